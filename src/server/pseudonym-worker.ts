/**
 * Worker thread entry: computes pseudonyms for `ParallelPseudonymiser`. It gets the key as its
 * worker data and answers each job with the pseudonyms of its BSNs, in their order. A BSN it
 * cannot pseudonymise throws, which ends the worker; the main thread then computes the job itself
 * and gets the same error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Pseudonymiser } from '../audit/pseudonymiser.js';

/** One job: BSNs to pseudonymise, with the number the answer carries back. */
export interface PseudonymJob {
  readonly id: number;
  readonly bsns: readonly string[];
}

/** The answer to a job. */
export interface PseudonymAnswer {
  readonly id: number;
  readonly pseudonyms: string[];
}

const port = parentPort!;
// The key arrives as a Uint8Array: structured cloning drops the Buffer.
const pseudonymiser = new Pseudonymiser(Buffer.from(workerData as Uint8Array));

port.on('message', (job: PseudonymJob) => {
  const answer: PseudonymAnswer = { id: job.id, pseudonyms: job.bsns.map((bsn) => pseudonymiser.pseudonym(bsn)) };
  port.postMessage(answer);
});
