import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The URL of a worker entry beside `base` (the caller's `import.meta.url`): the `.ts` source when
 * the caller runs from source (tests, `tsx`), the built `.js` otherwise.
 */
export function workerEntry(name: string, base: string): URL {
  return new URL(`./${name}.${base.endsWith('.ts') ? 'ts' : 'js'}`, base);
}

/**
 * Starts a worker thread on `entry`: the built entry as it is; from source with tsx registered in
 * the worker first, because a worker does not get the `--import tsx` hooks of a process started
 * with it (Node 20).
 */
export function startWorker(entry: URL, options: WorkerOptions): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
