import { on } from 'node:events';
import type { CheckedBatch, LineCheckJob, LineChecker } from '../domain/aanleveringen/file-line-checks.js';
import type { Party } from '../domain/party-registry.js';
import type { Regelingen } from '../domain/regelingen-config.js';
import type { JsonSchema } from './contract.js';
import type { FileLineWorkerData } from './file-line-worker.js';
import { startWorker, workerEntry } from './worker-start.js';

const WORKER_ENTRY = workerEntry('file-line-worker', import.meta.url);

/**
 * The worker holds a few batches (a few MB); without limits V8 would let its heap grow with the
 * garbage of a million parsed lines, and the gateway's peak RSS with it. Its young generation is
 * where a line's garbage dies: at 16 MB the worker spent ~20 % of its time collecting and held the
 * storing thread up; 48 MB bought ~12 % more lines/s for ~17 MB of peak RSS (64 MB: over 300 MB;
 * `npm run bench -- --alleen bestand`, BENCHMARKS.md).
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 48 };

/**
 * Batches checked ahead of the one being stored (~0.5 MB each): enough to keep both threads busy
 * through the worker's collections, and memory bounded. Two left the storing thread waiting ~15 %
 * of the time; four gave ~5 % more lines/s in alternating runs (BENCHMARKS.md).
 */
export const BATCHES_AHEAD = 4;

/**
 * Checks the lines of a file in a worker thread (`file-line-worker.ts`), while the caller stores
 * the batch before: parsing, schema validation, canonicalisation and hashing (a third of a line's
 * cost) run on the second core instead of between the inserts. One worker per file, ended when
 * the file is done, fails, or the caller stops early.
 */
export class WorkerLineChecker implements LineChecker {
  readonly #setup: Omit<FileLineWorkerData, 'job'>;

  constructor(setup: { parties: readonly Party[]; regelingen: Regelingen; bodySchema: JsonSchema; pseudonymKey: Buffer }) {
    this.#setup = {
      parties: setup.parties,
      pseudonymKey: setup.pseudonymKey,
      regelingen: setup.regelingen.codes.map((code) => [code, setup.regelingen.get(code)!]),
      bodySchema: setup.bodySchema,
    };
  }

  async *batches(job: LineCheckJob, now: () => number): AsyncGenerator<CheckedBatch> {
    const worker = startWorker(WORKER_ENTRY, { workerData: { ...this.#setup, job } satisfies FileLineWorkerData, resourceLimits: WORKER_LIMITS });
    // Batches as they arrive; the worker's 'error' rejects the iteration, its exit ends it.
    const messages = on(worker, 'message', { close: ['exit'] }) as AsyncIterableIterator<[CheckedBatch]>;
    try {
      for (let i = 0; i < BATCHES_AHEAD; i++) worker.postMessage(now());
      for await (const [batch] of messages) {
        if (!batch.last) worker.postMessage(now());
        yield batch;
        if (batch.last) return;
      }
      throw new Error(`the line-check worker stopped before the end of aanlevering ${job.aanlevering}`);
    } finally {
      await worker.terminate();
    }
  }
}
