import { Logger } from '@nestjs/common';
import { Gauge, LabelValues, Registry } from 'prom-client';

const logger = new Logger('Metrics');

export interface GaugeSample<Label extends string> {
  labels: LabelValues<Label>;
  value: number;
}

export interface ScrapedGaugeOptions<Label extends string> {
  name: string;
  help: string;
  labelNames: readonly Label[];
  read: () => Promise<GaugeSample<Label>[]>;
}

/**
 * A gauge set from `read` when Prometheus scrapes. A read that fails (master away, say) leaves
 * the gauge without series for that scrape and is logged: the rest of the scrape still answers,
 * and the gap shows on the dashboard rather than a stale figure.
 */
export function scrapedGauge<Label extends string>(registry: Registry, options: ScrapedGaugeOptions<Label>): Gauge<Label> {
  const { name, help, labelNames, read } = options;
  return new Gauge<Label>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      let samples: GaugeSample<Label>[] = [];
      try {
        samples = await read();
      } catch (error) {
        logger.warn({ err: error, metric: name }, 'metric not read for this scrape');
      }
      this.reset();
      for (const { labels, value } of samples) this.set(labels, value);
    },
  });
}
