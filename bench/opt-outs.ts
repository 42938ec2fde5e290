/**
 * Opt-out benchmark (issue 4): run with `npm run bench:opt-outs` (add `-- --opt-outs 100000` for a
 * quicker run). A real gateway process (the built CLI) on a temporary embedded store holding N
 * opt-outs, called over mutual TLS with a bearer token and keep-alive, like a vendor backend:
 *
 * 1. `POST /v1/opt-outs/_zoek` with 10,000 BSNs (a tenth of them opted out): latency median/p95
 *    over sequential requests (target: median ≤ 100 ms; it includes 10,000 processing records);
 * 2. an empty `GET /v1/opt-outs/wijzigingen` poll with If-None-Match (304), load from autocannon in
 *    this process (the gateway is another process): requests/s (target ≥ 5,000).
 *
 * Prints a table and writes bench/results/opt-outs-<date>.json. `-- --profiel DIR` adds a CPU profile
 * of the gateway process.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import YAML from 'yaml';
import { projectPath } from '../src/config/project-paths.js';
import { initDevPki } from '../src/pki/test-pki.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

const { values } = parseArgs({ options: { 'opt-outs': { type: 'string', default: '1000000' }, zoek: { type: 'string', default: '30' }, logboek: { type: 'string', default: '1000000' }, duur: { type: 'string', default: '10' }, profiel: { type: 'string' } } });
const OPT_OUTS = Number(values['opt-outs']);
const LOOKUPS = Number(values.zoek);
const POLL_SECONDS = Number(values.duur);
const LOG_RECORDS = Number(values.logboek);

/** A valid BSN from a number (the first eight digits), completing the elfproef with the ninth. */
function bsnFrom(n: number): string | undefined {
  const digits = String(n).padStart(8, '0');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
  const last = sum % 11;
  return last === 10 ? undefined : digits + last;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? Number.NaN;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'ketenpoort-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const pki = await initDevPki({ dir: `${dir}/pki`, parties: [{ id: 'leverancier', oin: '00000099000000000801', naam: 'Leverancier (bench)' }, { id: 'amsterdam', oin: '00000099000000000363', naam: 'Amsterdam (bench)' }] });
const registry = YAML.parse(readFileSync(projectPath('config', 'partijen.dev.yaml'), 'utf8'));
registry.partijen = registry.partijen.filter((p: { id: string }) => ['leverancier', 'amsterdam'].includes(p.id))
  .map((p: { id: string }) => ({ ...p, certificaten: [pki.party(p.id).cert] }));
writeFileSync(`${dir}/partijen.yaml`, YAML.stringify(registry));

// Seed the register: every BSN from 10,000,000 up, so the look-up below hits one in ten.
const seedStarted = performance.now();
const store = SqliteStore.open(`${dir}/kp.db`);
const registered: string[] = [];
for (let n = 10_000_000, batch: Parameters<typeof store.importOptOuts>[0][number][] = []; registered.length < OPT_OUTS; n++) {
  const bsn = bsnFrom(n);
  if (!bsn) continue;
  registered.push(bsn);
  batch.push({ id: `seed-${n}`, bsn, scope: '*', kanaal: 'BRIEF', geregistreerdDoor: '00000099000000000363', actorOin: null, ingang: Date.now() });
  if (batch.length === 50_000 || registered.length === OPT_OUTS) {
    await store.importOptOuts(batch);
    batch = [];
  }
}
// A processing log that has been in use: earlier look-ups' records (the per-person index grows with it).
for (let written = 0; written < LOG_RECORDS; written += 10_000) {
  const at = new Date();
  await store.appendProcessingRecords(Array.from({ length: Math.min(10_000, LOG_RECORDS - written) }, () => ({
    traceId: randomBytes(16).toString('hex'), operationId: randomBytes(8).toString('hex'), name: 'opt-out.opvragen', status: 'OK' as const,
    startTime: at, endTime: at, processingActivityId: 'urn:bench', dataSubjectId: randomBytes(32).toString('hex'), requester: '00000099000000000363',
  })));
}
await store.indexProcessingLog(); // a log in use has its per-person index caught up
await store.close();
process.stdout.write(`# seeded ${OPT_OUTS} opt-outs and ${LOG_RECORDS} processing records\n`);
const seedSeconds = (performance.now() - seedStarted) / 1000;

const lookupBsns: string[] = [];
for (let n = 90_000_000; lookupBsns.length < 9_000; n++) {
  const bsn = bsnFrom(n);
  if (bsn) lookupBsns.push(bsn);
}
for (let i = 0; i < 1_000; i++) lookupBsns.push(registered[Math.floor((i * registered.length) / 1_000)]!);

const cli = projectPath('dist', 'src', 'cli', 'ketenpoort.js');
// --profiel DIR writes a V8 CPU profile of the gateway (open it in Chrome DevTools) to find what to fix.
const profile = values.profiel ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profiel)}`] : [];
const gateway = spawn(process.execPath, [...profile, cli, 'start'], {
  env: {
    PATH: process.env.PATH ?? '', KETENPOORT_HOST: '127.0.0.1', KETENPOORT_PORT: '0', KETENPOORT_OPS_PORT: '0', KETENPOORT_LOG_LEVEL: 'info', // as in production: one access-log line per request
    KETENPOORT_RATE_LIMIT: '0', KETENPOORT_MAINTENANCE_INTERVAL: '0', KETENPOORT_TLS_CERT: pki.serverChain, KETENPOORT_TLS_KEY: pki.serverKey,
    KETENPOORT_TLS_CA: pki.trustAnchors, KETENPOORT_TLS_CRL: pki.crls, KETENPOORT_PARTIES: `${dir}/partijen.yaml`,
    KETENPOORT_DATABASE_URL: `sqlite:${dir}/kp.db`, KETENPOORT_TOKEN_KEY: `${dir}/token.pem`, KETENPOORT_PSEUDONYM_KEY: `${dir}/pseudonym.key`,
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.on('exit', () => gateway.kill('SIGKILL'));
// Keep reading the gateway's log (to a sink) so its writes never block; take the address from it.
const api = await new Promise<string>((resolve, reject) => {
  createInterface({ input: gateway.stdout! }).on('line', (line) => {
    const entry = JSON.parse(line) as { msg?: string; api?: string };
    if (entry.msg === 'Ketenpoort is listening') resolve(entry.api!.replace('127.0.0.1', 'localhost'));
  });
  gateway.once('exit', (code) => reject(new Error(`the gateway exited with ${code}`)));
});

const leaf = pki.party('leverancier');
const tls = { ca: readFileSync(pki.trustAnchors), cert: readFileSync(leaf.chain), key: readFileSync(leaf.key) };
const agent = new Agent({ connect: tls, connections: 1 });
const tokenResponse = await request(`${api}/v1/oauth/token`, {
  dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials&client_id=00000099000000000801&namens=00000099000000000363',
});
const { access_token: token } = await tokenResponse.body.json() as { access_token: string };
const auth = { authorization: `Bearer ${token}` };

// 1. _zoek with 10,000 BSNs.
const lookupBody = JSON.stringify({ burgerservicenummers: lookupBsns });
const latencies: number[] = [];
let optedOut = 0;
for (let i = 0; i < (LOOKUPS > 0 ? LOOKUPS + 3 : 0); i++) {
  const started = performance.now();
  const response = await request(`${api}/v1/opt-outs/_zoek`, { dispatcher: agent, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: lookupBody });
  const result = await response.body.json() as { resultaten: Array<{ optOut: boolean }> };
  if (response.statusCode !== 200) throw new Error(`_zoek answered ${response.statusCode}`);
  if (i >= 3) latencies.push(performance.now() - started); // the first three warm up
  optedOut = result.resultaten.filter((r) => r.optOut).length;
}
latencies.sort((a, b) => a - b);

// 2. Empty changes poll answered 304.
const first = await request(`${api}/v1/opt-outs/wijzigingen`, { dispatcher: agent, headers: auth });
const { volgende } = await first.body.json() as { volgende: string };
const etag = String(first.headers.etag);
const poll = await autocannon({
  url: `${api}/v1/opt-outs/wijzigingen?na=${volgende}`,
  connections: 16, duration: POLL_SECONDS, headers: { ...auth, 'if-none-match': etag },
  tlsOptions: tls,
} as autocannon.Options);
const non304 = poll.non2xx - (poll['3xx'] ?? 0);

await agent.close();
gateway.kill('SIGTERM');
await once(gateway, 'exit');

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const results = {
  date: new Date().toISOString(), machine, optOuts: OPT_OUTS, processingRecordsBefore: LOG_RECORDS, seedSeconds: Math.round(seedSeconds * 10) / 10,
  zoek: { bsns: lookupBsns.length, optedOut, requests: latencies.length, medianMs: percentile(latencies, 0.5), p95Ms: percentile(latencies, 0.95), targetMedianMs: 100 },
  emptyPoll: { requestsPerSecond: poll.requests.average, p50Ms: poll.latency.p50, p99Ms: poll.latency.p99, connections: 16, seconds: POLL_SECONDS, errors: poll.errors + Math.max(0, non304), target: 5000 },
};
const rows = [
  ['scenario', 'figure', 'target', 'verdict'],
  [`_zoek 10,000 BSNs, ${OPT_OUTS.toLocaleString('en')} opt-outs, log ${LOG_RECORDS.toLocaleString('en')}`, `median ${results.zoek.medianMs.toFixed(1)} ms, p95 ${results.zoek.p95Ms.toFixed(1)} ms`, 'median ≤ 100 ms', results.zoek.medianMs <= 100 ? 'pass' : 'short'],
  ['empty changes poll (304)', `${Math.round(poll.requests.average)} req/s, p99 ${poll.latency.p99} ms`, '≥ 5,000 req/s', poll.requests.average >= 5000 ? 'pass' : 'short'],
];
for (const row of rows) process.stdout.write(`${row[0]!.padEnd(58)} ${row[1]!.padEnd(36)} ${row[2]!.padEnd(18)} ${row[3]}\n`);
process.stdout.write(`machine: ${machine}; seeding ${OPT_OUTS} opt-outs took ${results.seedSeconds} s; ${optedOut} of ${lookupBsns.length} found opted out; poll errors ${results.emptyPoll.errors}\n`);
mkdirSync(projectPath('bench', 'results'), { recursive: true });
writeFileSync(projectPath('bench', 'results', `opt-outs-${results.date.slice(0, 10)}.json`), JSON.stringify(results, null, 2) + '\n');
