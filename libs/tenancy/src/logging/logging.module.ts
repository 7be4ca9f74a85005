import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { logTraceIds } from '../tracing/log-trace-ids';

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  // The console's login answers with the operator's session cookie.
  'res.headers["set-cookie"]',
  'err.config',
];

/** Access lines come from Fastify (see access-log.ts), not from nestjs-pino's middleware. */
const NO_REQUEST_MIDDLEWARE: [] = [];

/** pino JSON logs tagged with the service name; pretty-printed in development. */
@Module({})
export class LoggingModule {
  static forService(service: 'api' | 'worker' | 'tenant-api'): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: Pick<AppConfig, 'env' | 'logLevel' | 'tracing'>) => ({
            forRoutes: NO_REQUEST_MIDDLEWARE,
            pinoHttp: {
              level: config.logLevel,
              base: { service },
              ...(config.tracing.endpoint && { mixin: logTraceIds }),
              redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
              transport:
                config.env === 'development'
                  ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
                  : undefined,
            },
          }),
        }),
      ],
    };
  }
}
