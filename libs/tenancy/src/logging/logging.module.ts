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
  'err.config',
];

/**
 * Requests that change something get an access log line. Reads (status polls, probes, lists)
 * are the bulk of traffic and say nothing new; leaving them out also skips pino-http's
 * per-request work, about a tenth of a status read's cost (see README "Performance").
 */
const LOGGED_REQUESTS = [{ path: '{*path}', method: RequestMethod.POST }];

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
            forRoutes: LOGGED_REQUESTS,
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
