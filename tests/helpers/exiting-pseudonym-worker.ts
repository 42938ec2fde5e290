/**
 * A pseudonym worker that dies on its first job without answering (exit code 3): what
 * `ParallelPseudonymiser` must survive when its worker crashes or runs out of memory.
 */
import { parentPort } from 'node:worker_threads';

parentPort!.once('message', () => process.exit(3));
