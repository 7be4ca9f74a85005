import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface RegisteredRoute {
  method: string;
  /** As Fastify has it: `/org/:id`. */
  path: string;
}

/** A line of Fastify's route tree: its indentation, the path segment and the methods served there, if any. */
const TREE_LINE = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([^)]*)\))?$/;
const INDENT = 4;

/**
 * Every route the app's Fastify instance serves, however it was added (a Nest controller, a
 * Fastify plugin, a static file server), read from Fastify's own route tree. HEAD routes Fastify
 * adds beside GET routes are left out.
 */
export function registeredRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  const tree = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const prefixes: string[] = [];
  const routes: RegisteredRoute[] = [];
  for (const line of tree.split('\n').filter((text) => text.trim())) {
    const match = TREE_LINE.exec(line);
    if (!match) throw new Error(`unexpected line in Fastify's route tree: ${line}`);
    const [, indent, segment, methods = ''] = match;
    const depth = indent!.length / INDENT;
    const path = (prefixes[depth - 1] ?? '') + segment!;
    prefixes[depth] = path;
    const served = methods.split(',').map((method) => method.trim());
    for (const method of served.filter((name) => /^[A-Z]+$/.test(name))) {
      if (method === 'HEAD' && served.includes('GET')) continue;
      routes.push({ method, path });
    }
  }
  return routes;
}
