import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** The console's only stylesheet and script, read once at start-up; nest-cli.json copies them into the build. */
const ASSETS = new Map(
  Object.entries({ 'console.css': 'text/css', 'console.js': 'text/javascript' }).map(([file, type]) => [
    file,
    { type: `${type}; charset=utf-8`, body: readFileSync(path.join(__dirname, 'assets', file), 'utf8') },
  ]),
);

@Controller('console/assets')
export class ConsoleAssetsController {
  @Get(':file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply) {
    const asset = ASSETS.get(file);
    if (!asset) throw new NotFoundException(`no console asset ${file}`);
    return reply
      .headers({ 'content-type': asset.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' })
      .send(asset.body);
  }
}
