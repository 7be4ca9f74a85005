import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { JsonBodyGuard, ZodValidationPipe } from '@app/tenancy';
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

/** The calling tenant's users; the tenant guard has already chosen the tenant's database. */
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @UseGuards(JsonBodyGuard)
  create(@Body(new ZodValidationPipe(createUserBody)) body: CreateUserBody) {
    return this.users.create(body);
  }

  @Get()
  list(@Query(new ZodValidationPipe(listUsersQuery)) query: ListUsersQuery) {
    return this.users.list(query);
  }

  @Get(':id')
  get(@Param('id', UserId) id: number) {
    return this.users.get(id);
  }

  @Patch(':id')
  @UseGuards(JsonBodyGuard)
  update(@Param('id', UserId) id: number, @Body(new ZodValidationPipe(updateUserBody)) body: UpdateUserBody) {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  delete(@Param('id', UserId) id: number): Promise<void> {
    return this.users.delete(id);
  }
}
