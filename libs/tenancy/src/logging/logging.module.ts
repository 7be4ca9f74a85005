import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
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
            pinoHttp: {
              level: config.logLevel,
              base: { service },
              redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
              genReqId: (request: IncomingMessage) => {
                const given = request.headers['x-request-id'];
                return typeof given === 'string' && given.length <= 128 ? given : randomUUID();
              },
              autoLogging: { ignore: (request: IncomingMessage) => request.url?.startsWith('/health') ?? false },
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
