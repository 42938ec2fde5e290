import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GATEWAY_NODE_OPTIONS } from '../src/cli/node-options.js';
import { projectPath } from '../src/config/project-paths.js';
import { killAtExit } from './child-script.js';
import { peakRssBytes } from './process-stats.js';
import type { Workspace } from './workspace.js';

/** A gateway (the built CLI) running in its own process for a benchmark. */
export interface GatewayProcess {
  /** `https://127.0.0.1:<port>`: the API port (mutual TLS). */
  readonly api: string;
  readonly pid: number;
  /** Peak resident memory of the process so far (Linux: VmHWM), or undefined where unknown. */
  peakRss(): number | undefined;
  /** SIGTERM, and wait until the store is closed and the process has exited. */
  stop(): Promise<void>;
}

/** How to start it. */
export interface GatewayOptions {
  /** Write a V8 CPU profile of the gateway here at exit (open it in Chrome DevTools). */
  readonly profileDir?: string;
  /** A name for the log file (`<workspace>/<name>.log`). */
  readonly name?: string;
}

/**
 * Starts `dist/src/cli/ketenpoort.js start` on the workspace, configured as in production except
 * for what a benchmark must switch off: rate limiting (it would measure the limiter) and the
 * periodic maintenance job (it would run at a random moment during a measurement).
 *
 * The log (level `info`: one access line per request, as in production) goes to a file, not to a
 * pipe into this process: a pipe makes the benchmark read and the gateway wait on every line, on a
 * machine with two cores.
 */
export async function startGatewayProcess(workspace: Workspace, options: GatewayOptions = {}): Promise<GatewayProcess> {
  const cli = projectPath('dist', 'src', 'cli', 'ketenpoort.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run build)`);
  const logFile = path.join(workspace.dir, `${options.name ?? 'gateway'}.log`);
  const log = openSync(logFile, 'a');
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.profileDir)}`] : [];
  const { pki, dir } = workspace;
  // Started as `npm start` starts it: with the gateway's Node options (the heap bound).
  const child = spawn(process.execPath, [...GATEWAY_NODE_OPTIONS, ...profile, cli, 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      KETENPOORT_HOST: '127.0.0.1', KETENPOORT_PORT: '0', KETENPOORT_OPS_PORT: '0', KETENPOORT_LOG_LEVEL: 'info',
      KETENPOORT_RATE_LIMIT: '0', KETENPOORT_MAINTENANCE_INTERVAL: '0',
      KETENPOORT_TLS_CERT: pki.serverChain, KETENPOORT_TLS_KEY: pki.serverKey, KETENPOORT_TLS_CA: pki.trustAnchors, KETENPOORT_TLS_CRL: pki.crls,
      KETENPOORT_PARTIES: workspace.partiesFile, KETENPOORT_DATABASE_URL: workspace.databaseUrl,
      KETENPOORT_TOKEN_KEY: path.join(dir, 'token.pem'), KETENPOORT_PSEUDONYM_KEY: path.join(dir, 'pseudonym.key'),
      KETENPOORT_FILES_DIR: path.join(dir, 'spool'),
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = once(child, 'exit');
  killAtExit(child);
  const api = await waitForAddress(child, logFile);
  return {
    api,
    pid: child.pid!,
    peakRss: () => peakRssBytes(child.pid!),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Reads the log until the gateway says where it listens; fails with the log's tail if it exits first. */
async function waitForAddress(child: ChildProcess, logFile: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const text = readFileSync(logFile, 'utf8');
    for (const line of text.split('\n')) {
      if (!line.includes('Ketenpoort is listening')) continue;
      const entry = JSON.parse(line) as { api?: string };
      if (entry.api) return entry.api;
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the gateway exited (${child.exitCode ?? child.signalCode}) before listening:\n${text.split('\n').slice(-20).join('\n')}`);
    }
    await sleep(50);
  }
  throw new Error(`the gateway did not listen within 60 s; see ${logFile}`);
}
