import { z } from 'zod';

// Optional values: Terminus types `info` and `error` as partial records.
const indicators = z
  .record(z.string(), z.looseObject({ status: z.string() }).optional())
  .meta({ description: 'Each dependency checked, by name, with its status and figures' });

/** What Terminus answers on a readiness route: 200 when every check is up, 503 with the same body when one is not. */
export const healthCheckAnswer = z.object({
  status: z.enum(['ok', 'error', 'shutting_down']),
  info: indicators.optional(),
  error: indicators.optional(),
  details: indicators,
});

/** A liveness route's answer: the process answers, nothing external was asked. */
export const livenessAnswer = z.object({ status: z.string().meta({ description: 'Always ok' }) });
