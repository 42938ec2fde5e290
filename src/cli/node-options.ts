import { getHeapStatistics } from 'node:v8';

/** The old-generation bound the gateway runs with, in MB. */
export const MAX_OLD_SPACE_MB = 1024;

/**
 * The Node/V8 options the gateway runs with: `npm start`, the first line of the `ketenpoort`
 * command and the benchmark pass exactly these (a test keeps the three in step).
 *
 * Why a heap bound: without one V8 sizes the heap for the machine (4 GB here) and then lets the old
 * generation grow to four times what is live before it collects. A file of 1,000,000 lines, whose
 * checked lines wait a batch or two and so die old, took the heap from ~33 MB live to ~135 MB and
 * the process to 346 MB RSS. Under a bound of 1 GB V8 grows the heap by at most ~1.6× what is live:
 * 261 MB RSS, at the same speed. 1 GB is thirty times the live heap at that peak, far from a crash.
 */
export const GATEWAY_NODE_OPTIONS: readonly string[] = [`--max-old-space-size=${MAX_OLD_SPACE_MB}`];

/**
 * A warning for the log when the process was started without the heap bound (say `node
 * dist/src/cli/ketenpoort.js start` by hand): it works, with a higher peak memory. Undefined when
 * the bound is in force. `heapLimitBytes` is V8's `heap_size_limit` (old generation plus young).
 */
export function heapBoundWarning(heapLimitBytes = getHeapStatistics().heap_size_limit): string | undefined {
  // The limit V8 reports is the old generation's plus the young generation's (a few tens of MB).
  if (heapLimitBytes <= (MAX_OLD_SPACE_MB + 256) * 1024 * 1024) return undefined;
  return `started without ${GATEWAY_NODE_OPTIONS.join(' ')} (heap limit ${Math.round(heapLimitBytes / 1048576)} MB): `
    + 'the gateway works, but lets its heap grow further before collecting; start it with npm start or the ketenpoort command';
}
