import { Span, SpanOptions, SpanStatusCode, trace } from '@opentelemetry/api';

/** The service's tracer: the API's no-op until startTracing registers the SDK's provider. */
export const tracer = trace.getTracer('tenant-provisioning');

/** Runs `work` in a new span, child of the active one; an error thrown marks the span failed and goes on. */
export function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
