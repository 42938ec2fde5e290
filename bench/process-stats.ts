import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What the kernel says about another process (Linux `/proc`); undefined elsewhere or when the
 * process is gone, so a benchmark still runs, without these figures, on other systems.
 */

/** Peak resident memory (`VmHWM`): exact, where sampling `VmRSS` would miss a short peak. */
export function peakRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far (user + system, from `/proc/<pid>/stat`; clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on: utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Waits until a process has been quiet (under 5 % of a core for half a second), at most
 * `maxSeconds`. The gateway finishes work after a scenario — the per-person index of the processing
 * log is filled behind the log, a file is processed in the background — and that work must not be
 * counted against the next scenario.
 * @returns the seconds waited
 */
export async function waitUntilIdle(pid: number, maxSeconds = 60): Promise<number> {
  const started = performance.now();
  let before = cpuSeconds(pid);
  while (before !== undefined && performance.now() - started < maxSeconds * 1000) {
    await sleep(500);
    const now = cpuSeconds(pid);
    if (now === undefined || now - before < 0.025) break;
    before = now;
  }
  return (performance.now() - started) / 1000;
}

