import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one gateway process. Labels are operation ids and status codes only —
 * never URLs, OINs of persons or anything that could hold a BSN.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'operation' | 'status'>;
  readonly duration: Histogram<'operation'>;
  readonly refusals: Counter<'code'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'ketenpoort_' });
    this.requests = new Counter({ name: 'ketenpoort_http_requests_total', help: 'API requests by operation and status.', labelNames: ['operation', 'status'], registers: [this.registry] });
    this.duration = new Histogram({
      name: 'ketenpoort_http_request_duration_seconds', help: 'API request duration by operation.', labelNames: ['operation'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
    });
    this.refusals = new Counter({ name: 'ketenpoort_refusals_total', help: 'Requests refused, by problem code.', labelNames: ['code'], registers: [this.registry] });
  }
}
