import { SetMetadata } from '@nestjs/common';

export const NO_TENANT = 'tenant-routing.no-tenant';

/** A route (or controller) that belongs to no tenant, such as health: the tenant guard lets it through. */
export const NoTenant = (): MethodDecorator & ClassDecorator => SetMetadata(NO_TENANT, true);
