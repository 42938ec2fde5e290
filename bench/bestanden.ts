/**
 * File benchmark (issue 5): run with `npm run bench:bestanden` (add `-- --regels 200000` for a
 * quicker run). What an operator does at the end of the month, measured end to end:
 *
 * 1. a realistic NDJSON file is generated (bench/file-generator.ts: valid BSNs spread over every
 *    CBS gemeentecode, three regelingen, 2 % of persons opted out, 3 % invalid lines);
 * 2. a freshly started gateway process (the built CLI, embedded store, 50,000 opt-outs in its
 *    register) receives it from the SDK's `verstuurBestand` — the CLI's code path: digest read
 *    once and signed, streamed over mutual TLS with a bearer token, report polled until done;
 * 3. the report's counts are checked against the generator's, and lines/s (gateway timestamps,
 *    receipt to last outcome) and the gateway's peak RSS (VmHWM) are recorded.
 *
 * The small file (`--klein`, default 100,000 lines) is the baseline measured in the same run:
 * lines/s and peak RSS of the large file are also given as ratios against it (memory must stay
 * flat: ratio ≤ 1.25). A second baseline is the bench process reading the large file and parsing
 * every line as JSON: what the gateway cannot be faster than on one core.
 * Prints a table and writes bench/results/bestanden-<date>.json.
 */
import { createReadStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { KetenpoortClient } from '../sdk/index.js';
import { projectPath } from '../src/config/project-paths.js';
import { UNREGISTERED_FROM } from './bsn.js';
import { allGemeentecodes, FILE_REGELINGEN, generateFile, type GeneratedFile } from './file-generator.js';
import { startGatewayProcess } from './gateway-process.js';
import { describeMachine } from './machine.js';
import { seedRegister } from './seed-register.js';
import { createWorkspace, type Workspace } from './workspace.js';

const { values } = parseArgs({ options: { regels: { type: 'string', default: '1000000' }, klein: { type: 'string', default: '100000' }, 'opt-outs': { type: 'string', default: '50000' }, profiel: { type: 'string' }, postgres: { type: 'boolean', default: false } } });
const LARGE = Number(values.regels);
const SMALL = Number(values.klein);
const OPT_OUTS = Number(values['opt-outs']);
const TARGET_LINES_PER_SECOND = 25_000;
const TARGET_PEAK_RSS = 300e6;
const FLAT_FACTOR = 1.25;

/** A regional service that receives the three regelingen for every municipality but Amsterdam. */
const REGIO = {
  id: 'regio', oin: '00000099000000000990', naam: 'Regionale sociale dienst (bench)', rollen: ['ontvanger'],
  ontvangt: [{ gemeentecodes: allGemeentecodes().filter((code) => code !== '0363'), regelingen: FILE_REGELINGEN.map((r) => r.code) }],
};

interface FileRun {
  lines: number;
  megabytes: number;
  generateSeconds: number;
  /** From the first byte sent to the report saying VERWERKT, as the operator waits. */
  endToEndSeconds: number;
  /** Receipt to last outcome, by the gateway's own timestamps. */
  processingSeconds: number;
  linesPerSecond: number;
  peakRssMb: number | undefined;
  rssAtStartMb: number | undefined;
  counts: Record<string, number>;
  expected: GeneratedFile['expected'];
  countsMatch: boolean;
}

const workspace = await createWorkspace(['uwv', 'amsterdam'], { extraParties: [REGIO], postgres: values.postgres });
const register = await seedRegister(workspace.databaseUrl, { optOuts: OPT_OUTS, processingRecords: 0 });
const optedOut = register.sample(Math.min(OPT_OUTS, 20_000));
process.stdout.write(`# ${OPT_OUTS} opt-outs seeded; files of ${SMALL.toLocaleString('en')} and ${LARGE.toLocaleString('en')} lines\n`);

const small = await deliver(workspace, SMALL, UNREGISTERED_FROM);
const large = await deliver(workspace, LARGE, UNREGISTERED_FROM + 2 * SMALL + 10);
const parseBaseline = await parseOnly(workspace, LARGE);

const rssRatio = large.peakRssMb && small.peakRssMb ? large.peakRssMb / small.peakRssMb : undefined;
const { cpus, memory, node } = describeMachine();
const results = {
  date: new Date().toISOString(), machine: `${cpus}, ${memory}, Node ${node}`, store: values.postgres ? 'postgres' : 'sqlite', optOuts: OPT_OUTS, small, large,
  parseOnlyLinesPerSecond: parseBaseline,
  ratios: { linesPerSecondLargeVsSmall: large.linesPerSecond / small.linesPerSecond, peakRssLargeVsSmall: rssRatio, gatewayVsParseOnly: large.linesPerSecond / parseBaseline },
  targets: { linesPerSecond: TARGET_LINES_PER_SECOND, peakRssMb: TARGET_PEAK_RSS / 1e6, flatFactor: FLAT_FACTOR },
};
const rows = [
  ['scenario', 'figure', 'baseline / ratio', 'target', 'verdict'],
  [`file of ${n(LARGE)} lines (${large.megabytes} MB), lines/s`, `${n(large.linesPerSecond)} (${large.processingSeconds.toFixed(1)} s)`,
    `${n(SMALL)} lines: ${n(small.linesPerSecond)}; ×${results.ratios.linesPerSecondLargeVsSmall.toFixed(2)}`, `≥ ${n(TARGET_LINES_PER_SECOND)}`,
    large.countsMatch && small.countsMatch ? (large.linesPerSecond >= TARGET_LINES_PER_SECOND ? 'pass' : 'short') : 'counts wrong'],
  ['  as the operator waits (send + process)', `${large.endToEndSeconds.toFixed(1)} s`, `${n(SMALL)} lines: ${small.endToEndSeconds.toFixed(1)} s`, '', 'info'],
  ['  parse-only baseline (bench process, 1 core)', `${n(parseBaseline)} lines/s`, `gateway ×${results.ratios.gatewayVsParseOnly.toFixed(2)} of it`, '', 'info'],
  ['  peak RSS of the gateway', `${large.peakRssMb ?? '?'} MB`, `${n(SMALL)} lines: ${small.peakRssMb ?? '?'} MB; ×${rssRatio?.toFixed(2) ?? '?'}`,
    `≤ 300 MB, ×≤ ${FLAT_FACTOR}`, large.peakRssMb !== undefined && large.peakRssMb <= 300 && (rssRatio ?? 0) <= FLAT_FACTOR ? 'pass' : 'short'],
  ['  counts (accepted/rejected/suppressed)', `${large.counts.geaccepteerd}/${large.counts.afgewezen}/${large.counts.onderdrukt}`,
    `expected ${large.expected.geaccepteerd}/${large.expected.afgewezen}/${large.expected.onderdrukt}`, 'equal', large.countsMatch ? 'pass' : 'wrong'],
];
for (const row of rows) process.stdout.write(`${row[0]!.padEnd(48)} ${row[1]!.padEnd(24)} ${row[2]!.padEnd(40)} ${row[3]!.padEnd(18)} ${row[4]}\n`);
process.stdout.write(`store: ${results.store}; machine: ${results.machine}\n`);
mkdirSync(projectPath('bench', 'results'), { recursive: true });
writeFileSync(projectPath('bench', 'results', `bestanden-${values.postgres ? 'postgres-' : ''}${results.date.slice(0, 10)}.json`), JSON.stringify(results, null, 2) + '\n');
process.exit(large.countsMatch && small.countsMatch ? 0 : 1);

/** Generates a file, sends it to a fresh gateway with the SDK and waits for the report. */
async function deliver(ws: Workspace, lines: number, firstBsn: number): Promise<FileRun> {
  const file = path.join(ws.dir, `maand-${lines}.ndjson`);
  const generateStarted = performance.now();
  const generated = await generateFile(file, { lines, kenmerkPrefix: `MAAND-${lines}`, firstBsn, optedOut, optedOutShare: 0.02 });
  const generateSeconds = (performance.now() - generateStarted) / 1000;
  process.stdout.write(`# ${n(lines)} lines, ${(generated.bytes / 1e6).toFixed(1)} MB generated in ${generateSeconds.toFixed(1)} s; sending\n`);

  // --profiel DIR: a V8 CPU profile of each gateway (open it in Chrome DevTools) to find what to fix.
  const gateway = await startGatewayProcess(ws, { name: `gateway-${lines}`, ...(values.profiel ? { profileDir: values.profiel } : {}) });
  const rssAtStart = gateway.peakRss();
  const leaf = ws.pki.party('uwv');
  const client = new KetenpoortClient({
    gatewayUrl: gateway.api, tls: { certificate: leaf.chain, key: leaf.key, trustAnchors: ws.pki.trustAnchors },
    tokenAudience: 'https://localhost:8443/v1/oauth/token', timeoutMs: 600_000,
  });
  const started = performance.now();
  const report = await client.verstuurBestand(file, { pollIntervalMs: 250 });
  const endToEndSeconds = (performance.now() - started) / 1000;
  const peakRss = gateway.peakRss();
  await client.close();
  await gateway.stop();
  rmSync(file, { force: true });
  const processingSeconds = (Date.parse(report.afgerond!) - Date.parse(report.ontvangen)) / 1000;
  const counts = report.aantallen as unknown as Record<string, number>;
  return {
    lines, megabytes: mb(generated.bytes)!, generateSeconds, endToEndSeconds, processingSeconds, linesPerSecond: lines / processingSeconds,
    peakRssMb: mb(peakRss), rssAtStartMb: mb(rssAtStart), counts, expected: generated.expected,
    countsMatch: Object.entries(generated.expected).every(([key, value]) => counts[key] === value),
  };
}

/** Baseline: reading a file of that size and parsing every line, in this process. */
async function parseOnly(ws: Workspace, lines: number): Promise<number> {
  const file = path.join(ws.dir, 'parse-only.ndjson');
  await generateFile(file, { lines, kenmerkPrefix: 'P', firstBsn: UNREGISTERED_FROM, optedOut, optedOutShare: 0.02 });
  const started = performance.now();
  let parsed = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    try {
      JSON.parse(line);
      parsed++;
    } catch {
      parsed++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  rmSync(file, { force: true });
  return parsed / seconds;
}

/** A whole number with thousands separators. */
function n(value: number): string {
  return Math.round(value).toLocaleString('en');
}

function mb(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : Math.round(bytes / 1e5) / 10;
}
