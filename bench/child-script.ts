import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { projectPath } from '../src/config/project-paths.js';

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Kills the child when the harness exits, however it exits (no process of a run outlives it). */
export function killAtExit(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/**
 * Benchmark helpers that must not share a process with the harness (the load generator, the TLS
 * connector, the bare baseline server) are TypeScript scripts in `bench/`, run by Node with tsx's
 * loader. tsx only transforms at load time; what runs afterwards is plain JavaScript.
 */
function spawnScript(script: string, input: unknown): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', projectPath('bench', script)], {
    cwd: projectPath(), stdio: ['pipe', 'pipe', 'inherit'],
  });
  // The input on stdin, not in argv: a bulk look-up's body (10,000 BSNs) is more than an argument may be.
  child.stdin!.end(JSON.stringify(input));
  return child;
}

/** Runs a script to its end and returns the JSON it printed as its last line. */
export async function runScript<T>(script: string, input: unknown): Promise<T> {
  const child = spawnScript(script, input);
  killAtExit(child);
  let last = '';
  for await (const line of createInterface({ input: child.stdout! })) if (line.trim()) last = line;
  const code = child.exitCode ?? await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench/${script} exited with ${code}`);
  return JSON.parse(last) as T;
}

/** A script that keeps running (a server): what it printed first, and how to stop it. */
export interface RunningScript<T> {
  readonly ready: T;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts a long-running script and waits for the JSON line it prints when ready. */
export async function startScript<T>(script: string, input: unknown): Promise<RunningScript<T>> {
  const child = spawnScript(script, input);
  killAtExit(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<T>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      child.stdout!.resume(); // anything later is drained, never parsed
      resolve(JSON.parse(line) as T);
    });
    void exited.then(() => reject(new Error(`bench/${script} exited before it was ready`)));
  });
  return {
    ready,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
