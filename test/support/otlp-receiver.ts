import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as OTLP/HTTP JSON carries it, reduced to what the tests read. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
  attributes: Record<string, string | number | boolean | undefined>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
}

interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { spans: (Omit<ReceivedSpan, 'service' | 'attributes'> & { attributes?: { key: string; value: OtlpValue }[] })[] }[];
  }[];
}

/** An OTLP collector for tests: takes `POST /v1/traces` in JSON and keeps every span. */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') this.keep(JSON.parse(Buffer.concat(chunks).toString()) as OtlpTraces);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  /** Listens on a free port and returns the base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private keep(traces: OtlpTraces): void {
    for (const { resource, scopeSpans } of traces.resourceSpans) {
      const service = String(valueOf(resource.attributes.find(({ key }) => key === 'service.name')?.value));
      for (const { spans } of scopeSpans) {
        for (const { attributes = [], ...span } of spans) {
          this.spans.push({
            ...span,
            service,
            attributes: Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)])),
          });
        }
      }
    }
  }
}

function valueOf(value: OtlpValue | undefined): string | number | boolean | undefined {
  if (value?.intValue !== undefined) return Number(value.intValue);
  return value?.stringValue ?? value?.boolValue;
}
