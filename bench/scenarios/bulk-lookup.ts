import { cpuMs, runLoad } from '../load.js';
import { atMost, formatNumber } from '../report.js';
import type { Scenario } from '../scenario.js';
import { bulkLookupBsns } from '../seed-register.js';
import { BENCH_PARTIES } from '../workspace.js';

const ID = 'opt-out-zoek';
const BSNS = 10_000;
const OPTED_OUT = 1_000;
const TARGET_MS = 100;

/**
 * A vendor checks its case load: `_zoek` with 10,000 BSNs (a tenth of them opted out) against the
 * seeded register, one request after another on one keep-alive connection (what a vendor's nightly
 * job does). Each request also writes 10,000 processing records. Target: median ≤ 100 ms.
 */
export const bulkLookup: Scenario = {
  id: ID,
  description: 'POST /v1/opt-outs/_zoek with 10,000 BSNs against the register (median ≤ 100 ms)',
  needsRegister: true,
  async run(ctx) {
    const { settings, register } = ctx;
    if (!register) throw new Error('the bulk look-up needs the seeded register');
    const vendor = ctx.client('leverancier');
    const token = await vendor.token(BENCH_PARTIES.amsterdam.oin);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ burgerservicenummers: bulkLookupBsns(register, BSNS, OPTED_OUT) });

    // Check the answer once before timing it: a benchmark of wrong answers measures nothing.
    const check = await vendor.call('POST', '/v1/opt-outs/_zoek', { headers, body });
    const found = check.status === 200 ? (JSON.parse(check.text) as { resultaten: Array<{ optOut: boolean }> }).resultaten.filter((r) => r.optOut).length : -1;
    const correct = found === Math.min(OPTED_OUT, register.optOuts);

    ctx.log(`bulk look-up: ${settings.bulkLookups} × 10,000 BSNs, register of ${formatNumber(register.optOuts)}`);
    const run = await runLoad({
      url: `${ctx.gateway.api}/v1/opt-outs/_zoek`, method: 'POST', headers, body, tls: vendor.tlsFiles,
      connections: 1, amount: settings.bulkLookups, warmup: { amount: settings.warmupBulkLookups }, serverPid: ctx.gateway.pid,
    });
    return [{
      id: ID,
      scenario: `opt-out _zoek, 10,000 BSNs, register of ${formatNumber(register.optOuts)}, log of ${formatNumber(register.processingRecords)}`,
      figure: `median ${run.latency.p50} ms, p90 ${run.latency.p90} ms (${run.requests} sequential), ${cpuMs(run)}`,
      baseline: '—',
      target: `median ≤ ${TARGET_MS} ms`,
      verdict: correct && run.failures === 0 ? atMost(run.latency.p50, TARGET_MS) : 'failed',
      details: { bsns: BSNS, optedOutExpected: OPTED_OUT, optedOutFound: found, run },
    }];
  },
};
