import { existsSync } from 'node:fs';
import { AppConfig, InvalidConfigError, loadConfig } from '../config/app-config';
import { TenantFilesUnloadableError } from '../tenant-databases/tenant-files.check';

/** Reads `.env` when present, then validates; bad settings throw InvalidConfigError naming them all. */
export function configFromEnvironment(): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return loadConfig(process.env);
}

/** A variable an operator named on the command line (`--url-from-env`) instead of giving a secret there. */
export function namedEnvironmentVariable(name: string): string | undefined {
  return process.env[name];
}

/** What a process that could not start prints: the list of bad settings or unloadable files as it is, else the stack. */
export function startupFailureMessage(error: unknown): string {
  if (error instanceof InvalidConfigError) return `${error.message}\n`;
  // Says what to do; a stack would only bury it.
  if (error instanceof TenantFilesUnloadableError) return `${error.message}\n`;
  return `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
}
