import { REGISTER_FROM, validBsns } from '../bsn.js';
import { cpuMs, loadSaturated, runLoad, type LoadSpec } from '../load.js';
import { atLeast, formatNumber, ratioOf } from '../report.js';
import type { Scenario } from '../scenario.js';
import { BENCH_PARTIES } from '../workspace.js';

const ID = 'opt-out-een';
const TARGET_RATIO = 0.6;

/**
 * Issue 8, first target: an authenticated opt-out look-up for one BSN (mutual TLS, bearer token,
 * store read, processing-log write) against a bare Fastify mTLS route that returns a constant, both
 * keep-alive with the same connections: ≥ 0.6 of the bare route's requests/s.
 *
 * The bare route is measured before and after the gateway and the mean is the baseline, so a
 * neighbour's load that comes or goes during the run shifts both sides alike. A bare POST that
 * parses the same JSON body is reported too: the share of the gap that is just "a POST with a body".
 */
export const optOutLookup: Scenario = {
  id: ID,
  description: 'POST /v1/opt-outs/_zoek with one BSN vs a bare constant route (ratio ≥ 0.6)',
  needsRegister: true,
  async run(ctx) {
    const { settings } = ctx;
    const vendor = ctx.client('leverancier');
    const token = await vendor.token(BENCH_PARTIES.amsterdam.oin);
    // A BSN in the register when one was seeded (the answer then carries its opt-out), else any valid one.
    const bsn = ctx.register?.sample(1)[0] ?? validBsns(REGISTER_FROM, 1)[0]!;
    const body = JSON.stringify({ burgerservicenummers: [bsn] });
    const common = { tls: vendor.tlsFiles, connections: settings.connections, seconds: settings.seconds, warmup: { seconds: settings.warmupSeconds } } satisfies Partial<LoadSpec>;

    ctx.log('opt-out look-up, 1 BSN: bare constant route (before)');
    const bareBefore = await runLoad({ ...common, url: `${ctx.bareUrl}/constant`, serverPid: ctx.barePid });
    ctx.log('opt-out look-up, 1 BSN: gateway');
    const gateway = await runLoad({
      ...common, url: `${ctx.gateway.api}/v1/opt-outs/_zoek`, method: 'POST', body, serverPid: ctx.gateway.pid,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    ctx.log('opt-out look-up, 1 BSN: bare constant route (after), bare POST with the same body');
    const bareAfter = await runLoad({ ...common, url: `${ctx.bareUrl}/constant`, serverPid: ctx.barePid });
    const barePost = await runLoad({ ...common, url: `${ctx.bareUrl}/constant`, method: 'POST', body, headers: { 'content-type': 'application/json' }, serverPid: ctx.barePid });

    const baseline = (bareBefore.requestsPerSecond + bareAfter.requestsPerSecond) / 2;
    const ratio = ratioOf(gateway.requestsPerSecond, baseline);
    const valid = gateway.failures === 0 && bareBefore.failures === 0 && bareAfter.failures === 0;
    const postRatio = ratioOf(gateway.requestsPerSecond, barePost.requestsPerSecond);
    return [
      {
        id: ID,
        scenario: 'opt-out look-up, 1 BSN (mTLS, token, store read, log write), keep-alive',
        figure: `${formatNumber(gateway.requestsPerSecond)} req/s, p50 ${gateway.latency.p50} ms, p99 ${gateway.latency.p99} ms, ${cpuMs(gateway)}`,
        baseline: `bare GET constant: ${formatNumber(baseline)} req/s (${formatNumber(bareBefore.requestsPerSecond)} before, ${formatNumber(bareAfter.requestsPerSecond)} after), ${cpuMs(bareBefore)}`,
        ...(ratio !== undefined ? { ratio } : {}),
        target: `≥ ${TARGET_RATIO} × bare`,
        verdict: valid ? atLeast(ratio, TARGET_RATIO) : 'failed',
        details: { connections: settings.connections, seconds: settings.seconds, gateway, bareBefore, bareAfter, loadSaturated: loadSaturated(gateway, bareBefore, bareAfter, barePost) },
      },
      {
        id: ID,
        scenario: '  same, against a bare POST parsing the same JSON body',
        figure: `${formatNumber(gateway.requestsPerSecond)} req/s`,
        baseline: `bare POST constant: ${formatNumber(barePost.requestsPerSecond)} req/s, ${cpuMs(barePost)}`,
        ...(postRatio !== undefined ? { ratio: postRatio } : {}),
        target: '— (where the gap is)',
        verdict: barePost.failures === 0 ? 'info' : 'failed',
        details: { barePost },
      },
    ];
  },
};

