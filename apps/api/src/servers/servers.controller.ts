import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, UseGuards } from '@nestjs/common';
import {
  AddDatabaseServer,
  ChangeDatabaseServer,
  databaseServerView,
  JsonBodyGuard,
  ListDatabaseServers,
  ZodValidationPipe,
} from '@app/tenancy';
import { AdminApiKeyGuard } from '../http/admin-api-key.guard';
import { AddServerBody, addServerBody, ChangeServerBody, changeServerBody } from './servers.schemas';

/**
 * The PostgreSQL servers tenant databases are placed on: their tenants against their capacity,
 * their state, and whether the provisioner's login answers now. No answer carries a URL with
 * credentials.
 */
@Controller('servers')
@UseGuards(AdminApiKeyGuard)
export class ServersController {
  constructor(
    private readonly listServers: ListDatabaseServers,
    private readonly addServer: AddDatabaseServer,
    private readonly changeServer: ChangeDatabaseServer,
  ) {}

  @Get()
  async list() {
    return { items: (await this.listServers.execute()).map(databaseServerView) };
  }

  /** 201 once the provisioner's login was tried (CREATEDB, CREATEROLE, PostgreSQL 14+); 400 says what it lacks. */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(JsonBodyGuard)
  async add(@Body(new ZodValidationPipe(addServerBody)) body: AddServerBody) {
    const added = await this.addServer.execute(body);
    // Its login has just answered.
    return databaseServerView({ ...added, reachable: true });
  }

  @Get(':name')
  async show(@Param('name') name: string) {
    return databaseServerView(await this.listServers.show(name));
  }

  /** A capacity below the tenants on the server is a 400: drain it instead. */
  @Patch(':name')
  @UseGuards(JsonBodyGuard)
  async change(@Param('name') name: string, @Body(new ZodValidationPipe(changeServerBody)) body: ChangeServerBody) {
    await this.changeServer.execute(name, body);
    return databaseServerView(await this.listServers.show(name));
  }
}
