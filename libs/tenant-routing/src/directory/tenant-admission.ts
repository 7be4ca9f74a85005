import { ForbiddenException, HttpException, ServiceUnavailableException } from '@nestjs/common';
import type { RoutedTenant } from './tenant-directory';

/** What a client should wait before asking again about a tenant still being provisioned. */
export const PROVISIONING_RETRY_AFTER_SECONDS = 2;

export interface Refusal {
  error: HttpException;
  retryAfterSeconds?: number;
}

/** What a client should wait before asking again about a tenant being moved to another server. */
export const MOVING_RETRY_AFTER_SECONDS = 5;

/** Why a request may not reach this tenant's database now, or undefined when it may. */
export function admissionRefusal(
  tenant: Pick<RoutedTenant, 'slug' | 'status'> & Partial<Pick<RoutedTenant, 'operation' | 'server' | 'moveTarget'>>,
): Refusal | undefined {
  switch (tenant.status) {
    case 'ready':
      // Until the registry names the target, its role is shut out while the copy is taken; after, only the source's drop remains.
      if (tenant.operation === 'move' && tenant.server !== tenant.moveTarget) {
        return {
          error: new ServiceUnavailableException(
            `tenant ${tenant.slug} is being moved to another database server; try again shortly`,
          ),
          retryAfterSeconds: MOVING_RETRY_AFTER_SECONDS,
        };
      }
      return undefined;
    case 'pending':
    case 'provisioning':
      return {
        error: new ServiceUnavailableException(
          `tenant ${tenant.slug} is being provisioned (status ${tenant.status}); try again shortly`,
        ),
        retryAfterSeconds: PROVISIONING_RETRY_AFTER_SECONDS,
      };
    case 'failed':
      return {
        error: new ServiceUnavailableException(
          `tenant ${tenant.slug} could not be provisioned (status failed); an operator can retry it`,
        ),
      };
    default:
      return { error: new ForbiddenException(`tenant ${tenant.slug} is ${String(tenant.status)}`) };
  }
}
