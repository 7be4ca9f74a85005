import { Injectable, OnModuleInit } from '@nestjs/common';
import { CommandRunner, InjectCommander } from 'nest-commander';

type CommanderCommand = Parameters<CommandRunner['setCommand']>[0];

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
