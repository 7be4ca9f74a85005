import type { ServiceProcess } from './service-process';

/**
 * The processes of one run, so that its cleanup stops every one, including those a failed start
 * or an interrupted measurement left. Once `stopAll()` has begun, no process may join.
 */
export class ServiceGroup {
  private readonly services = new Set<ServiceProcess>();
  private stopped = false;

  get closing(): boolean {
    return this.stopped;
  }

  add(service: ServiceProcess): ServiceProcess {
    if (this.stopped) throw new Error(`not starting ${service.name}: the run is being cleaned up`);
    this.services.add(service);
    return service;
  }

  async stopAll(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.services].map((service) => service.stop()));
  }
}
