import { Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import {
  AddDatabaseServer,
  ApiAnswers,
  ApiRefusals,
  ChangeDatabaseServer,
  databaseServerView,
  JsonBodyGuard,
  ListDatabaseServers,
  ZodBody,
} from '@app/tenancy';
import { AdminRoutes } from '../http/admin-routes.decorator';
import { serverAnswer, serverListAnswer } from './server.answers';
import { AddServerBody, addServerBody, ChangeServerBody, changeServerBody } from './servers.schemas';

const UNKNOWN_SERVER = { 404: 'No database server with this name' };

/**
 * The PostgreSQL servers tenant databases are placed on: their tenants against their capacity,
 * their state, and whether the provisioner's login answers now. No answer carries a URL with
 * credentials.
 */
@Controller('servers')
@AdminRoutes()
export class ServersController {
  constructor(
    private readonly listServers: ListDatabaseServers,
    private readonly addServer: AddDatabaseServer,
    private readonly changeServer: ChangeDatabaseServer,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The database servers, their tenants against their capacity, and whether they answer now' })
  @ApiAnswers({ 200: ['Every registered server', serverListAnswer] })
  async list() {
    return { items: (await this.listServers.execute()).map(databaseServerView) };
  }

  /** 201 once the provisioner's login was tried (CREATEDB, CREATEROLE, PostgreSQL 14+); 400 says what it lacks. */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Register a PostgreSQL server for new tenant databases' })
  @ApiAnswers({ 201: ['Registered; its login answered', serverAnswer] })
  @ApiRefusals({
    400: 'The body is not {name, url, capacity}, or the login lacks CREATEDB, CREATEROLE or PostgreSQL 14+',
    409: 'A server with this name exists',
    415: 'The body is not JSON',
  })
  async add(@ZodBody(addServerBody) body: AddServerBody) {
    const added = await this.addServer.execute(body);
    // Its login has just answered.
    return databaseServerView({ ...added, reachable: true });
  }

  @Get(':name')
  @ApiOperation({ summary: 'One database server' })
  @ApiAnswers({ 200: ['The server', serverAnswer] })
  @ApiRefusals(UNKNOWN_SERVER)
  async show(@Param('name') name: string) {
    return databaseServerView(await this.listServers.show(name));
  }

  /** A capacity below the tenants on the server is a 400: drain it instead. */
  @Patch(':name')
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: "Change a server's capacity or state (active, draining, disabled)" })
  @ApiAnswers({ 200: ['The server as changed', serverAnswer] })
  @ApiRefusals({
    ...UNKNOWN_SERVER,
    400: 'The body is not {capacity?, state?}, or the capacity is below the tenants on the server',
    415: 'The body is not JSON',
  })
  async change(@Param('name') name: string, @ZodBody(changeServerBody) body: ChangeServerBody) {
    await this.changeServer.execute(name, body);
    return databaseServerView(await this.listServers.show(name));
  }
}
