import { existsSync } from 'node:fs';
import { AppConfig, InvalidConfigError, loadConfig } from '../config/app-config';

/** Reads `.env` when present, then validates; on bad settings prints them all and exits. */
export function configFromEnvironment(): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
