import { cpuMs, loadSaturated, runLoad, type LoadSpec } from '../load.js';
import { atLeast, formatNumber, ratioOf } from '../report.js';
import type { Scenario } from '../scenario.js';
import { BENCH_PARTIES } from '../workspace.js';

const ID = 'poll';
const TARGET = 5_000;

/**
 * An empty opt-out changes poll: a vendor asks for changes after the latest position it has, with
 * the ETag it was given, and nothing is new (304). Target ≥ 5,000 polls/s; the bare route answering
 * 304 to `If-None-Match` is the baseline (measured before and after, the mean).
 */
export const emptyPoll: Scenario = {
  id: ID,
  description: 'GET /v1/opt-outs/wijzigingen with nothing new (304) vs a bare 304 route (≥ 5,000/s)',
  needsRegister: true,
  async run(ctx) {
    const { settings } = ctx;
    const vendor = ctx.client('leverancier');
    const token = await vendor.token(BENCH_PARTIES.amsterdam.oin);
    const auth = { authorization: `Bearer ${token}` };
    const first = await vendor.call('GET', '/v1/opt-outs/wijzigingen', { headers: auth });
    if (first.status !== 200) throw new Error(`the first changes page answered ${first.status}: ${first.text}`);
    const { volgende } = JSON.parse(first.text) as { volgende: string };
    const common = { tls: vendor.tlsFiles, connections: settings.connections, seconds: settings.seconds, warmup: { seconds: settings.warmupSeconds }, expect: [304] } satisfies Partial<LoadSpec>;

    ctx.log('empty changes poll: bare 304 route (before)');
    const bareBefore = await runLoad({ ...common, url: `${ctx.bareUrl}/not-modified`, headers: { 'if-none-match': '"bench"' }, serverPid: ctx.barePid });
    ctx.log('empty changes poll: gateway');
    const gateway = await runLoad({
      ...common, url: `${ctx.gateway.api}/v1/opt-outs/wijzigingen?na=${volgende}`, headers: { ...auth, 'if-none-match': String(first.headers.etag) }, serverPid: ctx.gateway.pid,
    });
    ctx.log('empty changes poll: bare 304 route (after)');
    const bareAfter = await runLoad({ ...common, url: `${ctx.bareUrl}/not-modified`, headers: { 'if-none-match': '"bench"' }, serverPid: ctx.barePid });

    const baseline = (bareBefore.requestsPerSecond + bareAfter.requestsPerSecond) / 2;
    const ratio = ratioOf(gateway.requestsPerSecond, baseline);
    const valid = gateway.failures === 0 && bareBefore.failures === 0 && bareAfter.failures === 0;
    return [{
      id: ID,
      scenario: 'empty opt-out changes poll (304), keep-alive',
      figure: `${formatNumber(gateway.requestsPerSecond)} polls/s, p50 ${gateway.latency.p50} ms, p99 ${gateway.latency.p99} ms, ${cpuMs(gateway)}`,
      baseline: `bare 304 route: ${formatNumber(baseline)} req/s, ${cpuMs(bareBefore)}`,
      ...(ratio !== undefined ? { ratio } : {}),
      target: `≥ ${formatNumber(TARGET)} polls/s`,
      verdict: valid ? atLeast(gateway.requestsPerSecond, TARGET) : 'failed',
      details: { connections: settings.connections, seconds: settings.seconds, gateway, bareBefore, bareAfter, loadSaturated: loadSaturated(gateway, bareBefore, bareAfter) },
    }];
  },
};
