/**
 * The load generator, run in its own process by `load.ts`: autocannon with the client certificate
 * of a real party, keep-alive, a warm-up that is discarded, then the measured run. Prints one JSON
 * line (a `LoadResult`).
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.js';
import { cpuSeconds } from './process-stats.js';
import { readInput } from './child-input.js';

const spec = await readInput<LoadSpec>();
const tlsOptions = { ca: readFileSync(spec.tls.ca), cert: readFileSync(spec.tls.cert), key: readFileSync(spec.tls.key) };
const bodies = spec.bodiesFile
  ? readFileSync(spec.bodiesFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { body: string; headers: Record<string, string> })
  : undefined;
let next = 0;
let reusedBodies = 0;

/** Gives each request the next body of the file (and its headers, e.g. Digest and Payload-Signature). */
function setupRequest(request: autocannon.Request): autocannon.Request {
  const item = bodies![next % bodies!.length]!;
  if (next >= bodies!.length) reusedBodies++;
  next++;
  return { ...request, body: item.body, headers: { ...request.headers, ...item.headers } };
}

function options(run: { seconds?: number; amount?: number }): autocannon.Options {
  return {
    url: spec.url,
    method: spec.method ?? 'GET',
    headers: { ...spec.headers },
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    connections: spec.connections,
    ...(run.amount !== undefined ? { amount: run.amount } : { duration: run.seconds ?? 10 }),
    ...(bodies ? { requests: [{ setupRequest }] } : {}),
    tlsOptions,
  } as autocannon.Options;
}

if (spec.warmup) {
  await autocannon(options(spec.warmup));
  reusedBodies = 0;
}
const serverBefore = spec.serverPid === undefined ? undefined : cpuSeconds(spec.serverPid);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = await autocannon(options(spec));
const wall = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const serverAfter = spec.serverPid === undefined ? undefined : cpuSeconds(spec.serverPid);

const expected = new Set((spec.expect ?? [200]).map(String));
const statusCodes: Record<string, number> = {};
let unexpected = 0;
for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) {
  statusCodes[code] = Number(count);
  if (!expected.has(code)) unexpected += Number(count);
}
const requests = result.requests.total;
const output: LoadResult = {
  requests,
  seconds: result.duration,
  requestsPerSecond: requests / result.duration,
  latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.average },
  statusCodes,
  failures: unexpected + result.errors + result.timeouts,
  reusedBodies,
  loadCpu: (cpu.user + cpu.system) / 1000 / wall,
  ...(serverBefore !== undefined && serverAfter !== undefined && requests > 0 ? { serverCpuMsPerRequest: ((serverAfter - serverBefore) * 1000) / requests } : {}),
};
process.stdout.write(`${JSON.stringify(output)}\n`);
process.exit(0); // autocannon may leave a socket to time out; the result is out
