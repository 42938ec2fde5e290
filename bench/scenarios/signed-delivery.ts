import path from 'node:path';
import { signerOf, writeSignedDeliveries, aanwijzingJson } from '../aanwijzing-bodies.js';
import { UNREGISTERED_FROM, validBsns } from '../bsn.js';
import { cpuMs, loadSaturated, runLoad } from '../load.js';
import { formatNumber, ratioOf } from '../report.js';
import type { Scenario } from '../scenario.js';
import { measureSignatureCost } from '../signature-cost.js';

const ID = 'aanwijzing';
const CONNECTIONS = 8;

/**
 * Single signed deliveries: UWV posts aanwijzingen one by one, each with its own `kenmerk` and its
 * own Digest and Payload-Signature (signed beforehand; a pre-signed body per request, so every
 * request is a new signal: signature verification, validation, routing, opt-out check, store
 * write, processing-log write). Reported: requests/s and p99; no target in the budget.
 *
 * The cost of signature verification is reported separately, measured in isolation (the gateway
 * does not accept unsigned deliveries), and as the share of a core it takes at the measured rate.
 */
export const signedDelivery: Scenario = {
  id: ID,
  description: 'POST /v1/aanwijzingen, signed, each a new kenmerk (req/s, p99; verification cost apart)',
  needsRegister: false,
  async run(ctx) {
    const { settings, workspace } = ctx;
    const uwv = ctx.client('uwv');
    const token = await uwv.token();
    const signer = signerOf(workspace, 'uwv');
    const total = settings.warmupDeliveries + settings.deliveries;
    const bodiesFile = path.join(workspace.dir, 'deliveries.ndjson');
    // BSNs outside the register: every delivery is accepted and routed, none suppressed. A fresh run id keeps kenmerken new on a reused store.
    const runId = Date.now().toString(36);
    ctx.log(`signed delivery: signing ${formatNumber(total)} aanwijzingen`);
    // Slack for the requests autocannon builds ahead on each connection.
    await writeSignedDeliveries(bodiesFile, signer, `BENCH-${runId}`, validBsns(UNREGISTERED_FROM, total + 4 * CONNECTIONS));

    ctx.log('signed delivery: gateway');
    const gateway = await runLoad({
      url: `${ctx.gateway.api}/v1/aanwijzingen`, method: 'POST', headers: { authorization: `Bearer ${token}` }, bodiesFile,
      tls: uwv.tlsFiles, connections: CONNECTIONS, amount: settings.deliveries, warmup: { amount: settings.warmupDeliveries }, expect: [201], serverPid: ctx.gateway.pid,
    });
    ctx.log('signed delivery: bare POST with a body of the same size');
    const sample = aanwijzingJson('BENCH-bare-0', validBsns(UNREGISTERED_FROM, 1)[0]!);
    const bare = await runLoad({
      url: `${ctx.bareUrl}/constant`, method: 'POST', body: sample, headers: { 'content-type': 'application/json' },
      tls: uwv.tlsFiles, connections: CONNECTIONS, seconds: settings.seconds, warmup: { seconds: settings.warmupSeconds }, serverPid: ctx.barePid,
    });
    ctx.log('signature verification: in-process micro-measure');
    const cost = await measureSignatureCost(signer, sample, settings.quick ? 1 : 3);
    const shareOfCore = (cost.verifyWithBodyMicroseconds * gateway.requestsPerSecond) / 1e6;
    const ratio = ratioOf(gateway.requestsPerSecond, bare.requestsPerSecond);
    const valid = gateway.failures === 0 && gateway.reusedBodies === 0;
    return [
      {
        id: ID,
        scenario: 'single signed delivery of an aanwijzing (UWV, PS256, new kenmerk each)',
        figure: `${formatNumber(gateway.requestsPerSecond)} req/s, p50 ${gateway.latency.p50} ms, p99 ${gateway.latency.p99} ms, ${cpuMs(gateway)}`,
        baseline: `bare POST, same body size: ${formatNumber(bare.requestsPerSecond)} req/s, ${cpuMs(bare)}`,
        ...(ratio !== undefined ? { ratio } : {}),
        target: '— (reported)',
        verdict: valid ? 'info' : 'failed',
        details: { connections: CONNECTIONS, deliveries: settings.deliveries, gateway, bare, loadSaturated: loadSaturated(gateway, bare) },
      },
      {
        id: ID,
        scenario: '  of which payload-signature verification (in isolation)',
        figure: `${formatNumber(cost.verifyWithBodyMicroseconds)} µs each (${formatNumber(1e6 / cost.verifyWithBodyMicroseconds)}/s per core); ${(shareOfCore * 100).toFixed(1)} % of a core at the rate above`,
        baseline: '—',
        target: '— (reported)',
        verdict: 'info',
        details: { ...cost, shareOfCoreAtMeasuredRate: shareOfCore, note: `at ${formatNumber(gateway.requestsPerSecond)} deliveries/s, verification takes ${(shareOfCore * 100).toFixed(1)} % of one core` },
      },
    ];
  },
};
