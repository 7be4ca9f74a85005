import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { AcceptedOperation, LifecycleRequests, RequestRule } from './lifecycle-requests';
import { TenantMoveRepository, targetRefused } from './tenant-move.repository';

const MOVE: RequestRule = {
  operation: 'move',
  allowed: (tenant) => tenant.status === 'ready' && !tenant.operation && tenant.server !== null,
  refusal: (tenant) => TenantError.wrongStatus(tenant.id, tenant.status, 'only a ready tenant can be moved'),
};

/**
 * Moves a ready tenant's database to another server. The tenant stays `ready` with the `move`
 * operation recorded; tenant apps answer 503 (Retry-After) until the worker is done: it shuts the
 * role out, copies the database as the role, verifies row counts, switches the registry, lets the
 * role in on the target and drops the source.
 */
@Injectable()
export class MoveTenant {
  constructor(
    private readonly requests: LifecycleRequests,
    private readonly moves: TenantMoveRepository,
  ) {}

  /** `tenant`: an id or a slug; `server`: the registered server to move it to. */
  async execute(tenant: string, server: string): Promise<AcceptedOperation> {
    const found = await this.requests.find(tenant);
    this.requests.check(found, MOVE);
    if (found.server === server) throw targetRefused(server, 'holds this tenant already');
    return this.requests.accept(found, MOVE, () => this.moves.requestMove(found, server));
  }
}
