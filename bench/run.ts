/**
 * `npm run bench`: Ketenpoort's performance budget (../shared/DESIGN.md, issue 8), measured as
 * ratios against a bare Fastify mTLS server in the same run on the same machine. See BENCHMARKS.md
 * for the method; `npm run bench -- --help` for the options.
 *
 * Three kinds of process: this harness (seeds the store, orchestrates, prints); the servers (the
 * built gateway and the bare baseline, each its own process); the load (autocannon, or the TLS
 * connector, each run in a process of its own).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { projectPath } from '../src/config/project-paths.js';
import { startScript } from './child-script.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { describeMachine, withEndLoad } from './machine.js';
import { PartyClient } from './party-client.js';
import { waitUntilIdle } from './process-stats.js';
import { formatNumber, formatTable, type Row } from './report.js';
import { helpText, parseRunOptions, resultsFileName, type RunOptions } from './run-options.js';
import type { ScenarioContext } from './scenario.js';
import { RUN_ORDER, SCENARIOS } from './scenarios/index.js';
import { seedRegister, type SeededRegister } from './seed-register.js';
import { allGemeentecodes } from './file-generator.js';
import { createWorkspace, municipalReceivers, type BenchParty } from './workspace.js';

const log = (message: string) => process.stderr.write(`# ${message}\n`);

let options: RunOptions;
try {
  options = parseRunOptions(process.argv.slice(2), SCENARIOS.map((s) => s.id));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${helpText(SCENARIOS)}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${helpText(SCENARIOS)}\n`);
  process.exit(0);
}

const { settings } = options;
const selected = SCENARIOS.filter((s) => options.only.length === 0 || options.only.includes(s.id));
const started = new Date();
let machine = describeMachine();
log(`${settings.quick ? 'quick' : 'full'} run of ${selected.map((s) => s.id).join(', ')} on ${machine.cpus}, load average ${machine.loadAverage.start}`);

// Every municipality receives for itself, so the periodic file fans out as a monthly file does.
const workspace = await createWorkspace(undefined, { receivers: municipalReceivers(allGemeentecodes(), ['ALGEMENE_BIJSTAND']) });
let register: SeededRegister | undefined;
if (selected.some((s) => s.needsRegister)) {
  log(`seeding ${formatNumber(settings.optOuts)} opt-outs and ${formatNumber(settings.processingRecords)} processing records`);
  register = await seedRegister(workspace.databaseUrl, { optOuts: settings.optOuts, processingRecords: settings.processingRecords });
  log(`seeded in ${register.seconds.toFixed(1)} s`);
}

const bare = await startScript<{ url: string }>('bare-server.ts', {
  cert: workspace.pki.serverChain, key: workspace.pki.serverKey, ca: workspace.pki.trustAnchors, crl: workspace.pki.crls,
});
let gateway: GatewayProcess = await startGatewayProcess(workspace, { name: 'gateway', ...(options.profileDir ? { profileDir: options.profileDir } : {}) });
log(`gateway ${gateway.api} (pid ${gateway.pid}), bare server ${bare.ready.url} (pid ${bare.pid})`);

const rowsById = new Map<string, Row[]>();
for (const id of RUN_ORDER) {
  const scenario = selected.find((s) => s.id === id);
  if (!scenario) continue;
  const clients: PartyClient[] = [];
  const context: ScenarioContext = {
    settings, workspace, bareUrl: bare.ready.url, barePid: bare.pid, register, log,
    get gateway() { return gateway; },
    client(party: BenchParty) {
      const client = new PartyClient(gateway.api, workspace, party);
      clients.push(client);
      return client;
    },
    async restartGateway(name: string) {
      await gateway.stop();
      gateway = await startGatewayProcess(workspace, { name, ...(options.profileDir ? { profileDir: options.profileDir } : {}) });
      return gateway;
    },
  };
  try {
    rowsById.set(id, await scenario.run(context));
  } catch (error) {
    log(`${id} failed: ${(error as Error).stack ?? String(error)}`);
    rowsById.set(id, [{ id, scenario: scenario.description, figure: `error: ${(error as Error).message.split('\n')[0]!.slice(0, 120)}`, baseline: '—', target: '—', verdict: 'failed' }]);
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
  }
  // Work the gateway still does after a scenario (indexing the processing log) is not the next scenario's.
  const waited = await waitUntilIdle(gateway.pid);
  if (waited > 1) log(`waited ${waited.toFixed(1)} s for the gateway to settle`);
}

await gateway.stop();
await bare.stop();
machine = withEndLoad(machine);

const rows = SCENARIOS.flatMap((s) => rowsById.get(s.id) ?? []);
const table = formatTable(rows);
process.stdout.write(`\n${table}\n\n`);
process.stdout.write(`${machine.cpus}, ${machine.memory}, Node ${machine.node}; load average ${machine.loadAverage.start} at start, ${machine.loadAverage.end} at end`
  + `${register ? `; register of ${formatNumber(register.optOuts)} seeded in ${register.seconds.toFixed(1)} s` : ''}; ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s in all\n`);
const saturated = rows.filter((r) => r.details?.loadSaturated === true).map((r) => r.id);
if (saturated.length > 0) process.stdout.write(`note: the load process used > 90 % of a core in ${[...new Set(saturated)].join(', ')}: the bare figure may be the load generator's limit\n`);

const resultsDir = projectPath('bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const file = `${resultsDir}/${resultsFileName(started, options)}`;
writeFileSync(file, `${JSON.stringify({
  date: started.toISOString(), seconds: Math.round((Date.now() - started.getTime()) / 1000), quick: settings.quick, only: options.only,
  settings, machine, register: register ? { optOuts: register.optOuts, processingRecords: register.processingRecords, seedSeconds: register.seconds } : undefined,
  rows, table,
}, null, 2)}\n`);
process.stdout.write(`written to ${file.slice(projectPath().length + 1)}\n`);
process.exit(rows.some((r) => r.verdict === 'failed') ? 1 : 0);
