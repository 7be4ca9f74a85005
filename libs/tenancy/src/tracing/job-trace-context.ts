import { Attributes, context, propagation, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import type { Job, JobsOptions } from 'bullmq';
import { inSpan } from './tracer';

/**
 * The active trace context (W3C traceparent) for a job's options. It travels in BullMQ's own
 * `telemetry.metadata` field, in the format bullmq-otel uses, so the job's data stays ids only.
 * Undefined when tracing is off: the no-op propagator writes nothing.
 */
export function jobTelemetry(): JobsOptions['telemetry'] {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? { metadata: JSON.stringify(carrier) } : undefined;
}

/** Runs a job's work in a consumer span, child of the span that enqueued it when the job carries one. */
export function inJobSpan<T>(job: Job, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  return context.with(enqueuedContext(job), () =>
    inSpan(
      `process ${job.queueName}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.destination.name': job.queueName,
          'messaging.message.id': job.id,
          'messaging.operation.name': job.name,
          ...attributes,
        },
      },
      work,
    ),
  );
}

function enqueuedContext(job: Job) {
  const metadata = job.opts.telemetry?.metadata;
  if (!metadata) return ROOT_CONTEXT;
  try {
    return propagation.extract(ROOT_CONTEXT, JSON.parse(metadata));
  } catch {
    // A trace that cannot be continued must not fail the job: it starts a new one.
    return ROOT_CONTEXT;
  }
}
