import { Controller, Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TenantStatusEvent } from '@app/tenancy';
import { TenantStatusFeed } from './tenant-status.feed';

/**
 * The controller that receives the workers' broadcasts on `channel` over the Redis transport.
 * @EventPattern takes its channel at decoration time, and one process may run apps with
 * different prefixes (the tests do), so each app gets a class of its own instead of sharing
 * one class's metadata.
 */
export function tenantEventsControllerFor(channel: string): Type {
  @Controller()
  class TenantEventsController {
    constructor(private readonly feed: TenantStatusFeed) {}

    @EventPattern(channel)
    onStatus(@Payload() event: TenantStatusEvent): void {
      this.feed.push(event);
    }
  }
  return TenantEventsController;
}
