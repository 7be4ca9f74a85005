import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Job } from 'bullmq';
import { inJobSpan, jobTelemetry } from './job-trace-context';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER = { traceId: TRACE_ID, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
const enqueuedByCaller = () => context.with(trace.setSpanContext(context.active(), CALLER), jobTelemetry);
const jobWith = (metadata?: string) =>
  ({ queueName: 'tenant-provisioning', id: 'provision:t1', name: 'provision', opts: { telemetry: metadata && { metadata } } }) as Job;
const traceOf = (job: Job) => inJobSpan(job, {}, async () => trace.getActiveSpan()?.spanContext().traceId);

describe('trace context in a job', () => {
  it('carries nothing while tracing is off', () => {
    expect(enqueuedByCaller()).toBeUndefined();
  });

  describe('with the SDK registered', () => {
    beforeAll(() => new NodeTracerProvider().register());
    afterAll(() => {
      trace.disable();
      context.disable();
      propagation.disable();
    });

    it("carries the enqueuer's traceparent in BullMQ's telemetry.metadata", () => {
      expect(JSON.parse(enqueuedByCaller()!.metadata!)).toEqual({ traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` });
    });

    it("runs the job in the enqueuer's trace, or in a new one when the job carries none or one that cannot be read", async () => {
      expect(await traceOf(jobWith(enqueuedByCaller()!.metadata))).toBe(TRACE_ID);
      for (const metadata of [undefined, '{not json']) {
        const traceId = await traceOf(jobWith(metadata));
        expect(traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(traceId).not.toBe(TRACE_ID);
      }
    });
  });
});
