import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EmailTaken, User, UserChanges, UserRepository } from './user.repository';

export interface UserPage {
  items: User[];
  /** The `after` of the next page; null on the last one. */
  nextCursor: number | null;
}

/** The tenant's users, with absent ids and taken emails turned into 404 and 409. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UserRepository) {}

  create(user: Omit<User, 'id'>): Promise<User> {
    return conflictOnTakenEmail(this.users.insert(user));
  }

  async list(query: { limit: number; after?: number }): Promise<UserPage> {
    // One row more than asked for tells whether another page follows without a count.
    const rows = await this.users.list(query.limit + 1, query.after);
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
  }

  async get(id: number): Promise<User> {
    return found(id, await this.users.findById(id));
  }

  async update(id: number, changes: UserChanges): Promise<User> {
    return found(id, await conflictOnTakenEmail(this.users.update(id, changes)));
  }

  async delete(id: number): Promise<void> {
    if (!(await this.users.delete(id))) throw notFound(id);
  }
}

function found(id: number, user: User | undefined): User {
  if (!user) throw notFound(id);
  return user;
}

function notFound(id: number): NotFoundException {
  return new NotFoundException(`no user ${id}`);
}

async function conflictOnTakenEmail<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof EmailTaken) throw new ConflictException(error.message);
    throw error;
  }
}
