import { PROVISIONING_QUEUE, startTracing } from '@app/tenancy';
import { trace } from '@opentelemetry/api';
import { Queue } from 'bullmq';
import { http } from './support/http';
import { useRunningStack } from './support/running-stack';
import { waitForStatus } from './support/tenant-client';

jest.mock('@opentelemetry/sdk-trace-node', () => {
  throw new Error('the OpenTelemetry SDK was loaded with tracing off');
});
jest.mock('@opentelemetry/exporter-trace-otlp-http', () => {
  throw new Error('the OTLP exporter was loaded with tracing off');
});

describe('tracing without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  const world = useRunningStack();

  it('loads no SDK, records no span and puts no trace context in the job, even for a traced caller', async () => {
    expect(await startTracing(world.stack.config, 'tenant-provisioning-test')).toBeUndefined();

    const created = await http(world.api, 'POST', '/org/create', {
      json: { name: 'Untraced Corp' },
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(created.status).toBe(202);
    await waitForStatus(world.api, created.body.id, ['ready']);

    const { topology, queuePrefix } = world.stack.config.redis;
    if (topology.mode !== 'server') throw new Error('the test reads the queue of a single Redis server');
    const url = new URL(topology.url);
    const queue = new Queue(PROVISIONING_QUEUE, {
      prefix: queuePrefix,
      connection: { host: url.hostname, port: Number(url.port || 6379) },
    });
    try {
      const job = await queue.getJob(created.body.jobId);
      expect(job?.opts.attempts).toBe(world.stack.config.provisioning.attempts);
      expect(job?.opts.telemetry).toBeUndefined();
    } finally {
      await queue.close();
    }
    expect(trace.getTracer('any').startSpan('any').isRecording()).toBe(false);
  });
});
