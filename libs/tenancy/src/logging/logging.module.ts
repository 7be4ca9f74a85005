import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  '*.password',
  '*.connectionString',
  'err.config',
];

const UNLOGGED_ROUTES = [
  { path: 'health', method: RequestMethod.GET },
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'org/:id/status', method: RequestMethod.GET },
];

/** pino JSON logs tagged with the service name; pretty-printed in development. */
@Module({})
export class LoggingModule {
  static forService(service: 'api' | 'worker'): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            // Probes and status polls are the bulk of requests and say nothing new: no access log,
            // and none of its per-request cost (a child logger, redaction, async context).
            exclude: UNLOGGED_ROUTES,
            pinoHttp: {
              level: config.logLevel,
              base: { service },
              redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
              genReqId: (request: IncomingMessage) => {
                const given = request.headers['x-request-id'];
                return typeof given === 'string' && given.length <= 128 ? given : randomUUID();
              },
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
