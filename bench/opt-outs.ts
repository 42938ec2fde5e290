/**
 * Opt-out benchmark (issue 4): run with `npm run bench:opt-outs` (add `-- --opt-outs 100000` for a
 * quicker run). A real gateway process (the built CLI) on a temporary embedded store holding N
 * opt-outs, called over mutual TLS with a bearer token and keep-alive, like a vendor backend:
 *
 * 1. `POST /v1/opt-outs/_zoek` with 10,000 BSNs (a tenth of them opted out): latency median/p95
 *    over sequential requests (target: median ≤ 100 ms; it includes 10,000 processing records);
 * 2. an empty `GET /v1/opt-outs/wijzigingen` poll with If-None-Match (304), load from autocannon in
 *    a separate process (`load-worker.ts`): requests/s (target ≥ 5,000).
 *
 * Prints a table and writes bench/results/opt-outs-<date>.json. `-- --postgres` runs it on PostgreSQL
 * (a throw-away cluster of its own; opt-outs-postgres-<date>.json). `-- --profiel DIR` adds a CPU profile
 * of the gateway process. The same scenarios, with a baseline, are part of `npm run bench`
 * (`run.ts`); this script keeps its own knobs (register size, number of look-ups) for working on
 * the opt-out register alone. Workspace, seeding and the gateway process are shared with it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { projectPath } from '../src/config/project-paths.js';
import { startGatewayProcess } from './gateway-process.js';
import { loadSaturated, runLoad } from './load.js';
import { describeMachine } from './machine.js';
import { PartyClient } from './party-client.js';
import { bulkLookupBsns, seedRegister } from './seed-register.js';
import { BENCH_PARTIES, createWorkspace } from './workspace.js';

const { values } = parseArgs({ options: { 'opt-outs': { type: 'string', default: '1000000' }, zoek: { type: 'string', default: '30' }, logboek: { type: 'string', default: '1000000' }, duur: { type: 'string', default: '10' }, profiel: { type: 'string' }, postgres: { type: 'boolean', default: false } } });
const OPT_OUTS = Number(values['opt-outs']);
const LOOKUPS = Number(values.zoek);
const POLL_SECONDS = Number(values.duur);
const LOG_RECORDS = Number(values.logboek);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? Number.NaN;
}

const workspace = await createWorkspace(['leverancier', 'amsterdam'], { postgres: values.postgres });
const register = await seedRegister(workspace.databaseUrl, { optOuts: OPT_OUTS, processingRecords: LOG_RECORDS });
process.stdout.write(`# seeded ${OPT_OUTS} opt-outs and ${LOG_RECORDS} processing records\n`);
const lookupBsns = bulkLookupBsns(register, 10_000, 1_000);

// --profiel DIR writes a V8 CPU profile of the gateway (open it in Chrome DevTools) to find what to fix.
const gateway = await startGatewayProcess(workspace, values.profiel ? { profileDir: values.profiel } : {});
const vendor = new PartyClient(gateway.api, workspace, 'leverancier');
const auth = { authorization: `Bearer ${await vendor.token(BENCH_PARTIES.amsterdam.oin)}` };

// 1. _zoek with 10,000 BSNs: sequential, timed from here (latency as the vendor sees it, to the microsecond).
const lookupBody = JSON.stringify({ burgerservicenummers: lookupBsns });
const latencies: number[] = [];
let optedOut = 0;
for (let i = 0; i < (LOOKUPS > 0 ? LOOKUPS + 3 : 0); i++) {
  const started = performance.now();
  const response = await vendor.call('POST', '/v1/opt-outs/_zoek', { headers: { ...auth, 'content-type': 'application/json' }, body: lookupBody });
  if (response.status !== 200) throw new Error(`_zoek answered ${response.status}`);
  const result = JSON.parse(response.text) as { resultaten: Array<{ optOut: boolean }> };
  if (i >= 3) latencies.push(performance.now() - started); // the first three warm up
  optedOut = result.resultaten.filter((r) => r.optOut).length;
}
latencies.sort((a, b) => a - b);

// 2. Empty changes poll answered 304.
const first = await vendor.call('GET', '/v1/opt-outs/wijzigingen', { headers: auth });
const { volgende } = JSON.parse(first.text) as { volgende: string };
const poll = await runLoad({
  url: `${gateway.api}/v1/opt-outs/wijzigingen?na=${volgende}`, headers: { ...auth, 'if-none-match': String(first.headers.etag) },
  tls: vendor.tlsFiles, connections: 16, seconds: POLL_SECONDS, warmup: { seconds: 2 }, expect: [304], serverPid: gateway.pid,
});

await vendor.close();
await gateway.stop();

const { cpus, memory, node } = describeMachine();
const store = values.postgres ? 'postgres' : 'sqlite';
const machine = `${cpus}, ${memory}, Node ${node}`;
const results = {
  date: new Date().toISOString(), machine, store, optOuts: OPT_OUTS, processingRecordsBefore: LOG_RECORDS, seedSeconds: Math.round(register.seconds * 10) / 10,
  zoek: { bsns: lookupBsns.length, optedOut, requests: latencies.length, medianMs: percentile(latencies, 0.5), p95Ms: percentile(latencies, 0.95), targetMedianMs: 100 },
  emptyPoll: { requestsPerSecond: poll.requestsPerSecond, p50Ms: poll.latency.p50, p99Ms: poll.latency.p99, connections: 16, seconds: POLL_SECONDS, errors: poll.failures, serverCpuMsPerRequest: poll.serverCpuMsPerRequest, loadSaturated: loadSaturated(poll), target: 5000 },
};
const rows = [
  ['scenario', 'figure', 'target', 'verdict'],
  [`_zoek 10,000 BSNs, ${OPT_OUTS.toLocaleString('en')} opt-outs, log ${LOG_RECORDS.toLocaleString('en')}`, `median ${results.zoek.medianMs.toFixed(1)} ms, p95 ${results.zoek.p95Ms.toFixed(1)} ms`, 'median ≤ 100 ms', results.zoek.medianMs <= 100 ? 'pass' : 'short'],
  ['empty changes poll (304)', `${Math.round(poll.requestsPerSecond)} req/s, p99 ${poll.latency.p99} ms`, '≥ 5,000 req/s', poll.requestsPerSecond >= 5000 ? 'pass' : 'short'],
];
for (const row of rows) process.stdout.write(`${row[0]!.padEnd(58)} ${row[1]!.padEnd(36)} ${row[2]!.padEnd(18)} ${row[3]}\n`);
process.stdout.write(`store: ${store}; machine: ${machine}; seeding ${OPT_OUTS} opt-outs took ${results.seedSeconds} s; ${optedOut} of ${lookupBsns.length} found opted out; poll errors ${results.emptyPoll.errors}\n`);
mkdirSync(projectPath('bench', 'results'), { recursive: true });
writeFileSync(projectPath('bench', 'results', `opt-outs-${values.postgres ? 'postgres-' : ''}${results.date.slice(0, 10)}.json`), JSON.stringify(results, null, 2) + '\n');
process.exit(0);
