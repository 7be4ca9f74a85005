import {
  BadRequestException,
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG, AppConfig, isConnectionError, TenantResolverName } from '@app/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { NO_TENANT } from '../context/no-tenant.decorator';
import { TENANT_CONTEXT, TenantContext } from '../context/tenant-context';
import { TenantPools } from '../connections/tenant-pools';
import { TenantCaller, TenantCallerAuthenticator } from '../credentials/tenant-caller.authenticator';
import { RoutedTenant, TenantDirectory } from '../directory/tenant-directory';
import { admissionRefusal } from '../directory/tenant-admission';
import { referenceFromHeader, referenceFromHost, referenceFromPath, ReferenceReading, sentUrl } from './tenant-references';

const SOURCE_NAMES: Record<TenantResolverName, string> = {
  header: 'the X-Tenant-ID header',
  path: 'the /t/<tenant> path',
  subdomain: 'the host name',
  jwt: "the JWT's tenant claim",
};

interface Named {
  source: TenantResolverName;
  tenant: RoutedTenant;
}

/**
 * Every route of a tenant app, unless marked @NoTenant(): authenticates the caller, finds the
 * tenant the request is for (TENANT_RESOLVERS, in order; sources that disagree are refused),
 * checks that the caller belongs to it and that it is ready, then puts the tenant and a lease
 * on its pool in the request's context, given back when the response is done.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  private readonly settings: AppConfig['tenantRouting'];

  constructor(
    @Inject(APP_CONFIG) { tenantRouting }: Pick<AppConfig, 'tenantRouting'>,
    private readonly reflector: Reflector,
    private readonly cls: ClsService,
    private readonly authenticator: TenantCallerAuthenticator,
    private readonly directory: TenantDirectory,
    private readonly pools: TenantPools,
  ) {
    this.settings = tenantRouting;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(NO_TENANT, [context.getHandler(), context.getClass()])) return true;
    const http = context.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    try {
      await this.admit(http.getRequest<FastifyRequest>(), reply);
      return true;
    } catch (error) {
      if (error instanceof UnauthorizedException) void reply.header('WWW-Authenticate', 'Bearer');
      if (isConnectionError(error)) {
        throw new ServiceUnavailableException('the tenant registry (master database) is out of reach; try again shortly');
      }
      throw error;
    }
  }

  private async admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const caller = await this.authenticator.authenticate(request.headers);
    const tenant = await this.tenantFor(request, caller);
    const refusal = admissionRefusal(tenant);
    if (refusal) {
      if (refusal.retryAfterSeconds) void reply.header('Retry-After', String(refusal.retryAfterSeconds));
      throw refusal.error;
    }
    const lease = this.pools.lease({ ...tenant, dbPasswordEncrypted: tenant.dbPasswordEncrypted! });
    reply.raw.once('close', lease.release);
    this.cls.set<TenantContext>(TENANT_CONTEXT, { tenant: { id: tenant.id, slug: tenant.slug }, knex: lease.knex });
  }

  private async tenantFor(request: FastifyRequest, caller: TenantCaller): Promise<RoutedTenant> {
    const named = await this.namedTenants(request, caller);
    const [first, other] = [named[0], named.find((entry) => entry.tenant.id !== named[0]?.tenant.id)];
    if (first && other) {
      throw new ForbiddenException(
        `${SOURCE_NAMES[first.source]} names tenant ${first.tenant.slug} but ${SOURCE_NAMES[other.source]} names ${other.tenant.slug}`,
      );
    }
    const callers = await this.callersTenant(caller);
    const tenant = first?.tenant ?? callers;
    if (!tenant) throw new BadRequestException('the request names no tenant: send X-Tenant-ID, or use /t/<tenant>/…');
    if (tenant.id !== callers?.id) {
      throw new ForbiddenException(`this ${caller.kind === 'api-key' ? 'API key' : 'JWT'} is not for tenant ${tenant.slug}`);
    }
    return tenant;
  }

  /** The tenant each configured resolver names, in TENANT_RESOLVERS order. */
  private async namedTenants(request: FastifyRequest, caller: TenantCaller): Promise<Named[]> {
    const named: Named[] = [];
    for (const source of this.settings.resolvers) {
      const reading = this.read(source, request, caller);
      if (!reading) continue;
      if ('invalid' in reading) throw new BadRequestException(reading.invalid);
      const tenant = await this.directory.find(reading.reference);
      if (!tenant) throw new NotFoundException(`no tenant ${reading.reference} (named by ${SOURCE_NAMES[source]})`);
      named.push({ source, tenant });
    }
    return named;
  }

  private read(source: TenantResolverName, request: FastifyRequest, caller: TenantCaller): ReferenceReading {
    switch (source) {
      case 'header':
        return referenceFromHeader(request.headers);
      case 'path':
        return referenceFromPath(sentUrl(request.raw));
      case 'subdomain':
        return referenceFromHost(request.hostname, this.settings.baseDomain);
      case 'jwt':
        return caller.kind === 'jwt' ? { reference: caller.tenantReference } : undefined;
    }
  }

  private async callersTenant(caller: TenantCaller): Promise<RoutedTenant | undefined> {
    return this.directory.find(caller.kind === 'api-key' ? caller.tenantId : caller.tenantReference);
  }
}
