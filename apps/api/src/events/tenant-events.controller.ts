import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TENANT_EVENT, TenantStatusEvent } from '@app/tenancy';
import { TenantStatusFeed } from './tenant-status.feed';

/** Receives the workers' broadcasts over the Redis transport. */
@Controller()
export class TenantEventsController {
  constructor(private readonly feed: TenantStatusFeed) {}

  @EventPattern(TENANT_EVENT.provisioning)
  onProvisioning(@Payload() event: TenantStatusEvent): void {
    this.feed.push(event);
  }

  @EventPattern(TENANT_EVENT.ready)
  onReady(@Payload() event: TenantStatusEvent): void {
    this.feed.push(event);
  }

  @EventPattern(TENANT_EVENT.failed)
  onFailed(@Payload() event: TenantStatusEvent): void {
    this.feed.push(event);
  }
}
