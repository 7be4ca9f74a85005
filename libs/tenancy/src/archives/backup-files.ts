import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, constants, mkdir, open, realpath, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { TenantError } from '../errors/tenant-error';
import { ArchiveLogin, PgArchiveTool } from './pg-archive.tool';

/** An archive checked for a restore: where it is, and its SHA-256 as read just now. */
export interface VerifiedArchive {
  path: string;
  checksum: string;
}

/**
 * The tenant backups in BACKUP_DIR: written there by purges, read from there (and only from
 * there) by restores. A restore's file is checked before anything is changed: inside the
 * directory, a readable file, an archive pg_restore can list, and the recorded backup's checksum
 * when it is that backup.
 */
@Injectable()
export class BackupFiles {
  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'fleet'>,
    private readonly tool: PgArchiveTool,
  ) {}

  get dir(): string {
    return this.config.fleet.backupDir;
  }

  /** One file per purge: its name carries the deletion's time, so a retried purge writes the same file again. */
  pathFor(tenant: { id: string; dbName: string; deletedAt: Date | null }): string {
    const stamp = (tenant.deletedAt ?? new Date(0))
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    return path.join(this.dir, `${tenant.dbName}-${tenant.id}-${stamp}.dump`);
  }

  /** Dumps as `login` into `file`, whole or not at all (written beside it, synced, then renamed); returns its checksum. */
  async write(login: ArchiveLogin, file: string): Promise<string> {
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.partial`;
    await rm(partial, { force: true });
    await this.tool.dump(login, partial);
    const handle = await open(partial, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, file);
    return sha256(file);
  }

  /** Whether `file` is there with this checksum (a purge that already wrote it need not again). */
  async holds(file: string, checksum: string): Promise<boolean> {
    try {
      return (await sha256(file)) === checksum;
    } catch {
      return false;
    }
  }

  /** Checks a file a restore is to read; `given` may be relative to BACKUP_DIR. Throws a TenantError saying what is wrong. */
  async verify(tenantId: string, given: string, expectedChecksum?: string): Promise<VerifiedArchive> {
    const file = path.resolve(this.dir, given);
    if (!isBelow(this.dir, file)) throw this.outside(tenantId, file);
    const fileStat = await stat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR')
        throw TenantError.backupNotFound(tenantId, `no backup file at ${file}`);
      throw TenantError.backupInvalid(tenantId, `backup ${file} cannot be read: ${error.code ?? error.message}`);
    });
    if (!(await this.isInside(file))) throw this.outside(tenantId, file);
    if (!fileStat.isFile()) throw TenantError.backupInvalid(tenantId, `backup ${file} is not a file`);
    await access(file, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
      throw TenantError.backupInvalid(tenantId, `backup ${file} cannot be read: ${error.code ?? error.message}`);
    });
    const checksum = await sha256(file);
    if (expectedChecksum && checksum !== expectedChecksum) {
      throw TenantError.backupInvalid(
        tenantId,
        `backup ${file} is not the one recorded at purge: its SHA-256 is ${checksum}, the recorded one ${expectedChecksum} (changed or damaged)`,
      );
    }
    await this.tool.list(file).catch((error: Error) => {
      throw TenantError.backupInvalid(tenantId, `backup ${file} is not an archive pg_restore can read: ${firstLine(error.message)}`);
    });
    return { path: file, checksum };
  }

  /** Symbolic links are followed: a link in BACKUP_DIR to a file elsewhere is elsewhere. */
  private async isInside(file: string): Promise<boolean> {
    const [dir, real] = await Promise.all([realpath(this.dir).catch(() => this.dir), realpath(file)]);
    return isBelow(dir, real);
  }

  private outside(tenantId: string, file: string): TenantError {
    return TenantError.backupInvalid(tenantId, `backup ${file} is outside BACKUP_DIR (${this.dir}); restores read only from there`);
  }
}

function isBelow(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

export async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? text;
}
