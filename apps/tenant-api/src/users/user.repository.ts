import { Injectable } from '@nestjs/common';
import { TenantDb } from '@app/tenant-routing';

export interface User {
  id: number;
  name: string;
  email: string;
}

export type UserChanges = Partial<Omit<User, 'id'>>;

/** The email is already some other user's. */
export class EmailTaken extends Error {
  constructor(readonly email: string) {
    super(`a user with email ${email} already exists`);
    this.name = 'EmailTaken';
  }
}

const COLUMNS: (keyof User)[] = ['id', 'name', 'email'];
const UNIQUE_VIOLATION = '23505';

/**
 * The `users` table of the current request's tenant. A singleton: TenantDb gives each call the
 * Knex of the tenant the request is for, logged in as that tenant's role.
 */
@Injectable()
export class UserRepository {
  constructor(private readonly tenantDb: TenantDb) {}

  async insert(user: Omit<User, 'id'>): Promise<User> {
    const [row] = await this.unlessEmailTaken(user.email, this.users().insert(user).returning(COLUMNS));
    return row!;
  }

  /** Keyset pagination: ids after `after`, in order. */
  list(limit: number, after?: number): Promise<User[]> {
    const query = this.users().select(COLUMNS).orderBy('id').limit(limit);
    return after === undefined ? query : query.where('id', '>', after);
  }

  async findById(id: number): Promise<User | undefined> {
    return this.users().select(COLUMNS).where({ id }).first();
  }

  async update(id: number, changes: UserChanges): Promise<User | undefined> {
    const [row] = await this.unlessEmailTaken(changes.email, this.users().where({ id }).update(changes).returning(COLUMNS));
    return row;
  }

  /** Whether there was such a user. */
  async delete(id: number): Promise<boolean> {
    return (await this.users().where({ id }).delete()) > 0;
  }

  private users() {
    return this.tenantDb.knex()<User>('users');
  }

  private async unlessEmailTaken<T>(email: string | undefined, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if (email !== undefined && (error as { code?: string }).code === UNIQUE_VIOLATION) throw new EmailTaken(email);
      throw error;
    }
  }
}
