import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the WAL is copied back into the database file. */
const INTERVAL_MS = 250;

/**
 * The worker's code: its own connection to the same file, a PASSIVE checkpoint every interval
 * (it copies what it can without waiting for the writer or blocking it), closed on any message.
 * Plain CommonJS in a string, so it runs the same from source and built.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or failed this time: the next interval tries again, and the writer's own checkpoint
    // does the work meanwhile. Nothing is lost either way: the WAL holds every commit.
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Copies an SQLite WAL back into the database file from a worker thread. Without it the writing
 * connection does all of that itself, in the commit that passes the WAL limit, on the event loop.
 * With it, the writer's own checkpoint (still on, as a backstop) finds the WAL nearly copied and
 * mostly just starts it again from the beginning: the writer alone can, as it is the one that knows
 * when no frame is newer than the copy.
 */
export class WalCheckpointer {
  readonly #worker: Worker;
  #stopped = false;

  private constructor(file: string) {
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3'), intervalMs: INTERVAL_MS },
      // Small: it holds a connection and nothing else.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    // A thread that cannot open the file or dies leaves the writer checkpointing on its own, as
    // without this class; its 'error' must not become an uncaught exception of the gateway.
    this.#worker.on('error', () => {});
    // It must never keep the process alive on its own.
    this.#worker.unref();
  }

  /** Starts checkpointing `file` (a database in WAL mode). */
  static start(file: string): WalCheckpointer {
    return new WalCheckpointer(file);
  }

  /** Stops the thread and closes its connection (before the writer closes the database). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.ref(); // waiting for it must keep the process alive
    this.#worker.postMessage('stop');
    await exited;
  }
}
