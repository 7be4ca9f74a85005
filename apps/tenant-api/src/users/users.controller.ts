import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiAnswers, ApiRefusals, JsonBodyGuard, openApiSchema, ZodBody, ZodQuery, ZodValidationPipe } from '@app/tenancy';
import { ApiTenantRoutes } from '@app/tenant-routing';
import { userAnswer, userPageAnswer } from './user.answers';
import {
  CreateUserBody,
  createUserBody,
  ListUsersQuery,
  listUsersQuery,
  UpdateUserBody,
  updateUserBody,
  userId,
} from './user.schemas';
import { UsersService } from './users.service';

const UserId = new ZodValidationPipe(userId);
const BAD_ID = { 400: 'The id is not a whole number from 1 to 2147483647' };
const NO_USER = { 404: 'No user with this id (or no tenant by the id or slug given)' };
const EMAIL_TAKEN = { 409: 'Another user has this email' };
const NOT_JSON = { 415: 'The body is not JSON' };

/** The calling tenant's users; the tenant guard has already chosen the tenant's database. */
@Controller('users')
@ApiTenantRoutes()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Add a user' })
  @ApiAnswers({ 201: ['The user, with its id', userAnswer] })
  @ApiRefusals({ ...EMAIL_TAKEN, ...NOT_JSON })
  create(@ZodBody(createUserBody) body: CreateUserBody) {
    return this.users.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'The users, by id, a page at a time' })
  @ApiAnswers({ 200: ['A page of users', userPageAnswer] })
  list(@ZodQuery(listUsersQuery) query: ListUsersQuery) {
    return this.users.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user' })
  @ApiParam({ name: 'id', schema: openApiSchema(userId, 'input') })
  @ApiAnswers({ 200: ['The user', userAnswer] })
  @ApiRefusals({ ...BAD_ID, ...NO_USER })
  get(@Param('id', UserId) id: number) {
    return this.users.get(id);
  }

  @Patch(':id')
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: "Change a user's name, email or both" })
  @ApiParam({ name: 'id', schema: openApiSchema(userId, 'input') })
  @ApiAnswers({ 200: ['The user as changed', userAnswer] })
  @ApiRefusals({ 400: 'The id or the body is invalid: `message` lists every problem', ...NO_USER, ...EMAIL_TAKEN, ...NOT_JSON })
  update(@Param('id', UserId) id: number, @ZodBody(updateUserBody) body: UpdateUserBody) {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a user' })
  @ApiParam({ name: 'id', schema: openApiSchema(userId, 'input') })
  @ApiAnswers({ 204: ['Removed'] })
  @ApiRefusals({ ...BAD_ID, ...NO_USER })
  delete(@Param('id', UserId) id: number): Promise<void> {
    return this.users.delete(id);
  }
}
