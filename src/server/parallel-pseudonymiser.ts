import type { Worker } from 'node:worker_threads';
import { Pseudonymiser, type PseudonymSource } from '../audit/pseudonymiser.js';
import type { PseudonymAnswer, PseudonymJob } from './pseudonym-worker.js';
import { startWorker, workerEntry } from './worker-start.js';

const WORKER_ENTRY = workerEntry('pseudonym-worker', import.meta.url);

/** A job's BSNs and the promise waiting for their pseudonyms. */
interface Pending {
  readonly bsns: readonly string[];
  readonly resolve: (pseudonyms: string[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Tuning; the defaults are what the gateway uses. */
export interface ParallelPseudonymiserOptions {
  /** Fewer BSNs than this are pseudonymised on the calling thread (a round trip costs ~1 ms). */
  readonly parallelFrom?: number;
  /** The worker ends after this long without jobs (it costs memory while it lives). */
  readonly idleMs?: number;
  /** The worker's entry; tests give one that fails. */
  readonly entry?: URL;
  /** Told when the worker fails or exits unasked (its jobs are computed on the calling thread then). */
  readonly onWorkerLost?: (error: Error) => void;
}

/**
 * Pseudonymises many BSNs on two cores: a 10,000-BSN `_zoek` spends about a third of its time on
 * the pseudonyms of its processing records (two SHA-256 calls each, at ~1.7 µs a call on the
 * benchmark machine), and a sequential look-up leaves the second core idle. The back half of a
 * large batch goes to a worker thread while the calling thread computes the front half.
 *
 * The worker starts with the first large batch and ends after `idleMs` without one, so a gateway
 * that only takes files or single look-ups never pays its memory. If it fails or is stopped, the
 * jobs it held are computed on the calling thread: a caller always gets its pseudonyms or the
 * error computing them gives.
 */
export class ParallelPseudonymiser implements PseudonymSource {
  readonly #local: Pseudonymiser;
  readonly #key: Buffer;
  readonly #parallelFrom: number;
  readonly #idleMs: number;
  readonly #entry: URL;
  readonly #onWorkerLost: (error: Error) => void;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #nextId = 1;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(key: Buffer, options: ParallelPseudonymiserOptions = {}) {
    this.#local = new Pseudonymiser(key);
    this.#key = key;
    this.#parallelFrom = options.parallelFrom ?? 1000;
    this.#idleMs = options.idleMs ?? 300_000;
    this.#entry = options.entry ?? WORKER_ENTRY;
    this.#onWorkerLost = options.onWorkerLost ?? (() => {});
  }

  /** Whether a worker thread is running now. */
  get workerRunning(): boolean {
    return this.#worker !== undefined;
  }

  pseudonym(bsn: string): string {
    return this.#local.pseudonym(bsn);
  }

  async pseudonyms(bsns: readonly string[]): Promise<string[]> {
    if (bsns.length < this.#parallelFrom || this.#closed) return bsns.map((bsn) => this.#local.pseudonym(bsn));
    const half = bsns.length >> 1;
    const back = this.#inWorker(bsns.slice(half));
    let front: string[];
    try {
      front = bsns.slice(0, half).map((bsn) => this.#local.pseudonym(bsn));
    } catch (error) {
      back.catch(() => {}); // the same kind of input fails there too; one error is enough
      throw error;
    }
    return front.concat(await back);
  }

  /** Ends the worker; later calls compute on the calling thread. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#lost(worker);
    await worker?.terminate();
  }

  #inWorker(bsns: readonly string[]): Promise<string[]> {
    const worker = this.#worker ?? this.#start();
    clearTimeout(this.#idleTimer);
    worker.ref(); // a job waiting for its answer keeps the process alive (an idle worker does not)
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { bsns, resolve, reject });
      worker.postMessage({ id, bsns } satisfies PseudonymJob);
    });
  }

  #start(): Worker {
    // The worker handles one job at a time (≤ 5,000 BSNs, under 1 MB with its answer): small limits keep its memory small.
    const worker = startWorker(this.#entry, { workerData: new Uint8Array(this.#key), resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
    worker.on('message', (answer: PseudonymAnswer) => {
      const job = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      job?.resolve(answer.pseudonyms);
      if (this.#pending.size === 0 && this.#worker === worker) {
        worker.unref();
        this.#idleTimer = setTimeout(() => this.#retire(worker), this.#idleMs).unref();
      }
    });
    worker.on('error', (error) => this.#lost(worker, error));
    // After an 'error', or when retired or closed, the worker is let go already: only an exit nobody asked for counts.
    worker.on('exit', (code) => this.#lost(worker, new Error(`the pseudonym worker exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #retire(worker: Worker): void {
    if (this.#worker !== worker || this.#pending.size > 0) return;
    this.#worker = undefined;
    void worker.terminate();
  }

  /** The worker is gone (failed, exited or closed): its jobs are computed here, and a failure is told once. */
  #lost(worker: Worker | undefined, failure?: Error): void {
    if (worker === undefined || this.#worker !== worker) return;
    this.#worker = undefined;
    if (failure) this.#onWorkerLost(failure);
    clearTimeout(this.#idleTimer);
    const jobs = [...this.#pending.values()];
    this.#pending.clear();
    for (const job of jobs) {
      try {
        job.resolve(job.bsns.map((bsn) => this.#local.pseudonym(bsn)));
      } catch (error) {
        job.reject(error);
      }
    }
  }
}
