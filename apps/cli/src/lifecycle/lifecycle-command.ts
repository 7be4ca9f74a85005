import type { AcceptedOperation, TenantStatus } from '@app/tenancy';
import type { CommandOutcome } from '../command/cli-command';
import { WaitingCommand, WaitOptions } from '../command/waiting-command';
import type { Terminal } from '../output/terminal';
import { tenantText, tenantView } from '../tenants/tenant.view';
import type { OperationWatch } from './operation-watch';

/**
 * suspend, resume, delete, restore: the use case records the request in master and queues it; a
 * worker carries it out. Without `--wait` the answer is the request as recorded; with it, the
 * tenant once the worker is done, and exit 1 unless it reached the status the operation leads to.
 */
export abstract class LifecycleCommand<Options extends WaitOptions = WaitOptions> extends WaitingCommand<Options> {
  constructor(
    terminal: Terminal,
    private readonly watch: OperationWatch,
  ) {
    super(terminal);
  }

  /** Records and queues the request; throws the use case's TenantError when the tenant's state refuses it. */
  protected abstract request(reference: string, options: Options): Promise<AcceptedOperation>;

  /** Where the tenant ends up when the operation succeeds. */
  protected abstract leadsTo(options: Options): TenantStatus;

  protected async execute([reference]: string[], options: Options): Promise<CommandOutcome> {
    await this.queues.assertReachable();
    const { tenant, jobId } = await this.request(reference!, options);
    if (!options.wait) {
      const accepted = { ...tenantView(tenant), jobId };
      return { data: accepted, text: `${tenantText(accepted)}\nfollow it with: tenants show ${tenant.id}` };
    }
    const done = tenantView(await this.watch.finished(tenant.id, this.timeoutMs(options)));
    const ok = done.status === this.leadsTo(options) && !done.operationError;
    if (!ok) this.terminal.note(`error: tenant ${done.slug} is ${done.status}: ${done.operationError ?? 'no error recorded'}`);
    return { data: { ...done, jobId }, text: tenantText(done), ok };
  }
}
