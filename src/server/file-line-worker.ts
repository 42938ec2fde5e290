/**
 * Worker thread entry: checks the lines of one spooled file (see `WorkerLineChecker`). It gets
 * what the checks need as plain data, reads the file itself from the checkpoint, and answers each
 * credit (the time to check with) from the main thread with one batch of checked lines: it never
 * runs more batches ahead than it was given credits for, so memory stays bounded.
 */
import { on } from 'node:events';
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { checkedBatches, type LineCheckJob } from '../domain/aanleveringen/file-line-checks.js';
import { Pseudonymiser } from '../audit/pseudonymiser.js';
import { PartyRegistry, type Party } from '../domain/party-registry.js';
import { Regelingen, type RegelingSettings } from '../domain/regelingen-config.js';
import type { JsonSchema } from './contract.js';
import { bodyValidator } from './request-validation.js';

/** What the worker is started with. */
export interface FileLineWorkerData {
  readonly parties: readonly Party[];
  readonly regelingen: ReadonlyArray<[string, RegelingSettings]>;
  readonly bodySchema: JsonSchema;
  /** The pseudonymisation key (it arrives as a Uint8Array: structured cloning drops the Buffer). */
  readonly pseudonymKey: Uint8Array;
  readonly job: LineCheckJob;
}

const port = parentPort!;
const { parties, regelingen, bodySchema, pseudonymKey, job } = workerData as FileLineWorkerData;
const deps = {
  registry: new PartyRegistry(parties),
  regelingen: new Regelingen(new Map(regelingen)),
  validate: bodyValidator(bodySchema),
  pseudonymiser: new Pseudonymiser(Buffer.from(pseudonymKey)),
};

// Each message is a credit: the time to check the next batch with.
const credits = on(port, 'message');
const credit = async (): Promise<number> => ((await credits.next()).value as [number])[0];

let now = await credit();
const batches = checkedBatches(createReadStream(job.file, { start: job.offset, highWaterMark: 256 * 1024 }), job, deps, () => now);
for await (const batch of batches) {
  port.postMessage(batch);
  if (batch.last) break;
  now = await credit();
}
port.close();
