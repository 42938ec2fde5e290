import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import YAML from 'yaml';
import { GATEWAY_NODE_OPTIONS } from '../../src/cli/node-options.js';
import { projectPath } from '../../src/config/project-paths.js';
import { fixturePki } from './fixture-pki.js';
import { testDatabase } from './test-database.js';

const CLI = projectPath('src', 'cli', 'ketenpoort.ts');

/** A gateway running as its own process (`ketenpoort start`), on a test's directory. */
export interface GatewayProcess {
  readonly child: ChildProcess;
  /** `https://localhost:<port>`: the API. */
  readonly api: string;
  /** What the gateway publishes as its URL: the `aud` of client assertions. */
  readonly tokenAudience: string;
  /** SIGTERM (graceful) and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * The environment of a gateway on `dir` with the fixture PKI and the development registry's parties,
 * on the suite's store (a file in `dir`, or a fresh PostgreSQL schema dropped in teardown), or on
 * `databaseUrl` when given (several instances sharing one database).
 */
export async function gatewayEnvironment(t: { teardown(fn: () => unknown): void }, dir: string, databaseUrl?: string): Promise<Record<string, string>> {
  let url = databaseUrl;
  if (url === undefined) {
    const database = await testDatabase(dir);
    t.teardown(() => database.drop());
    url = database.url;
  }
  const data = YAML.parse(readFileSync(projectPath('config', 'partijen.dev.yaml'), 'utf8'));
  for (const party of data.partijen) party.certificaten = [fixturePki.party(party.id).cert];
  writeFileSync(`${dir}/partijen.yaml`, YAML.stringify(data));
  return {
    KETENPOORT_PORT: '0', KETENPOORT_HOST: '127.0.0.1', KETENPOORT_OPS_PORT: '0', KETENPOORT_LOG_LEVEL: 'info',
    KETENPOORT_TLS_CERT: fixturePki.server.chain, KETENPOORT_TLS_KEY: fixturePki.server.key,
    KETENPOORT_TLS_CA: fixturePki.trustAnchors, KETENPOORT_TLS_CRL: fixturePki.crls, KETENPOORT_PARTIES: `${dir}/partijen.yaml`,
    KETENPOORT_DATABASE_URL: url, KETENPOORT_TOKEN_KEY: `${dir}/token.pem`, KETENPOORT_PSEUDONYM_KEY: `${dir}/pseudonym.key`,
    KETENPOORT_FILES_DIR: `${dir}/spool`, KETENPOORT_RATE_LIMIT: '0',
  };
}

/**
 * Starts `ketenpoort start` (from source) and waits until it logs where it listens; its log is
 * drained (not kept). The caller stops it, or kills it (`child.kill('SIGKILL')`) to test a crash.
 */
export async function startGatewayProcess(t: { teardown(fn: () => unknown): void }, env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [...GATEWAY_NODE_OPTIONS, '--import', 'tsx', CLI, 'start'], { cwd: projectPath(), env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; api?: string };
    if (entry.msg === 'Ketenpoort is listening') {
      lines.on('line', () => {}); // keep draining the log
      return {
        child,
        api: entry.api!.replace('127.0.0.1', 'localhost'),
        tokenAudience: `${env.KETENPOORT_PUBLIC_URL ?? 'https://localhost:8443'}/v1/oauth/token`,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          await once(child, 'exit');
        },
      };
    }
  }
  throw new Error('the gateway process exited before it listened');
}

/**
 * Two gateway processes on one database, as behind a load balancer: they share the token-signing
 * and pseudonym keys (as a deployment must) but not their file spools. A starts first, creating
 * the shared keys and migrating; B then opens what A made. Both are stopped in teardown.
 */
export async function startGatewayPair(t: { teardown(fn: () => unknown): void }, dir: string, databaseUrl: string): Promise<[GatewayProcess, GatewayProcess]> {
  const env = await gatewayEnvironment(t, dir, databaseUrl);
  const a = await startGatewayProcess(t, env);
  const b = await startGatewayProcess(t, { ...env, KETENPOORT_FILES_DIR: `${dir}/spool-b` });
  t.teardown(() => Promise.all([a.stop(), b.stop()]));
  return [a, b];
}
