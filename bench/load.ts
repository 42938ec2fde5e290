import { runScript } from './child-script.js';

/** One load run, as `load-worker.ts` performs it in its own process. */
export interface LoadSpec {
  readonly url: string;
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Client TLS material as file paths: the party's chain and key, the root it trusts. */
  readonly tls: { readonly ca: string; readonly cert: string; readonly key: string };
  readonly connections: number;
  /** Measure for this many seconds, or … */
  readonly seconds?: number;
  /** … for exactly this many requests (takes precedence). */
  readonly amount?: number;
  /** Discarded load first, so the measurement starts with a warm JIT and warm caches. */
  readonly warmup?: { readonly seconds?: number; readonly amount?: number };
  /** An NDJSON file of `{"body": …, "headers": {…}}`: request i gets line i (signed deliveries, each unique). */
  readonly bodiesFile?: string;
  /** Status codes that count as success (default: 200). */
  readonly expect?: readonly number[];
  /** The server's process id: its CPU time during the measured run is reported per request. */
  readonly serverPid?: number;
}

/** What a load run measured. */
export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  /** Latency in milliseconds, from autocannon's histogram. */
  readonly latency: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly mean: number };
  readonly statusCodes: Readonly<Record<string, number>>;
  /** Responses with a status not in `expect`, connection errors and timeouts. */
  readonly failures: number;
  /** Requests that had to reuse a body of `bodiesFile` because the file ran out (0 when it was big enough). */
  readonly reusedBodies: number;
  /** CPU time of the load process over wall time: near 1 means the load generator, not the server, set the pace. */
  readonly loadCpu: number;
  /** CPU milliseconds the server spent per request (Linux, with `serverPid`): less disturbed by a busy machine than requests/s. */
  readonly serverCpuMsPerRequest?: number;
}

/**
 * Drives load with autocannon in a separate process, so that neither the server nor the harness
 * shares an event loop with the load generator. A child script (not the autocannon CLI) because one
 * scenario needs a distinct signed body per request (autocannon's `setupRequest`), and one tool for
 * every scenario keeps them comparable; it also reports its own CPU use, so a saturated load
 * generator shows.
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return runScript<LoadResult>('load-worker.ts', spec);
}

/** Whether the load process used most of a core in any of these runs: then it, not the server, may have set the pace. */
export function loadSaturated(...runs: readonly LoadResult[]): boolean {
  return runs.some((r) => r.loadCpu > 0.9);
}

/** Server CPU per request, as the table shows it. */
export function cpuMs(result: LoadResult): string {
  return result.serverCpuMsPerRequest === undefined ? 'CPU unknown' : `${result.serverCpuMsPerRequest.toFixed(2)} ms CPU/req`;
}
