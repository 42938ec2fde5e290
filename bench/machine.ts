import os from 'node:os';

/** The machine a run was taken on, and how busy it was (figures from a busy machine are lower, ratios less so). */
export interface Machine {
  readonly cpus: string;
  readonly memory: string;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average at the start and the end of the run (Linux/macOS). */
  readonly loadAverage: { start: number; end?: number };
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: { start: round(os.loadavg()[0]!) },
  };
}

export function withEndLoad(machine: Machine): Machine {
  return { ...machine, loadAverage: { ...machine.loadAverage, end: round(os.loadavg()[0]!) } };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
