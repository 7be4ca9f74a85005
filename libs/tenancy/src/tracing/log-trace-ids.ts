import { trace } from '@opentelemetry/api';

/** pino mixin: the active span's trace and span ids on each log line, to find a line's trace and back. */
export function logTraceIds(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}
