import t from 'tap';
import { traceFrom, traceparentOf } from '../../../src/server/tracing.js';

t.test('a valid incoming traceparent is continued with a new span', async (t) => {
  const trace = traceFrom('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  t.equal(trace.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  t.equal(trace.parentSpanId, '00f067aa0ba902b7');
  t.match(trace.spanId, /^[0-9a-f]{16}$/);
  t.not(trace.spanId, '00f067aa0ba902b7');
  t.equal(traceparentOf(trace), `00-4bf92f3577b34da6a3ce929d0e0e4736-${trace.spanId}-01`);
});

for (const [why, header] of [
  ['absent', undefined],
  ['all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
  ['all-zero span id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
  ['upper case', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
  ['sent twice', ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']],
] as const) {
  t.test(`a new trace when the traceparent is ${why}`, async (t) => {
    const trace = traceFrom(header as string | string[] | undefined);
    t.match(trace.traceId, /^[0-9a-f]{32}$/);
    t.not(trace.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    t.equal(trace.parentSpanId, undefined);
  });
}

t.test('ids stay unique across many refills of the random pool', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const { traceId, spanId } = traceFrom(undefined);
    seen.add(traceId).add(spanId);
  }
  t.equal(seen.size, 4000);
});
