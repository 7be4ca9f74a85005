import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/tenancy';
import { LoggerModule } from 'nestjs-pino';
import { destination } from 'pino';

const STDERR = 2;

/**
 * The services' pino logs (tagged `service: cli`), on stderr: stdout carries the command's result
 * only. Synchronous, so that the last lines are not lost when the process exits.
 */
@Module({})
export class CliLoggingModule {
  static forRoot(): DynamicModule {
    return {
      module: CliLoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: Pick<AppConfig, 'env' | 'logLevel'>) => {
            const options = {
              level: config.logLevel,
              base: { service: 'cli' },
              redact: { paths: ['err.config'], censor: '[redacted]' },
            };
            if (config.env !== 'development') return { pinoHttp: [options, destination({ dest: STDERR, sync: true })] };
            const pretty = { destination: STDERR, singleLine: true, translateTime: 'SYS:HH:MM:ss.l' };
            return { pinoHttp: { ...options, transport: { target: 'pino-pretty', options: pretty } } };
          },
        }),
      ],
    };
  }
}
