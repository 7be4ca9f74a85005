import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectCommander } from 'nest-commander';
import type { CommanderCommand } from './cli-command';

/** The program's own settings: its name in usage lines, and help after an unknown command. */
@Injectable()
export class CliProgram implements OnModuleInit {
  constructor(@InjectCommander() private readonly program: CommanderCommand) {}

  onModuleInit(): void {
    this.program
      .name('tenants')
      .description('operate the fleet of tenant databases (`--json` on every command; exit 1 on failure, 2 on misuse)')
      .showHelpAfterError();
  }
}
