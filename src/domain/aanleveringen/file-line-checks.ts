import { hash } from 'node:crypto';
import type { Pseudonymiser } from '../../audit/pseudonymiser.js';
import { InvalidInputError, KetenpoortError, type InvalidParam } from '../../errors.js';
import type { LineError } from '../../store/aanlevering-rows.js';
import type { NewAanwijzing } from '../../store/aanwijzing-rows.js';
import type { AanwijzingAanlevering } from '../aanwijzingen/aanwijzing-checks.js';
import { routeAanwijzing, type RoutingInput } from '../aanwijzingen/aanwijzing-routing.js';
import { csvRecordToAanlevering, splitCsvLine, type CsvHeader } from './csv-record.js';
import { fileLines, type FileLine } from './file-lines.js';

/** Lines per batch: the unit of a transaction, a checkpoint, and of what a crash can make the gateway redo. */
export const BATCH_LINES = 500;
/** Longest line accepted; a longer one is rejected on its own (and never held in memory). */
export const MAX_LINE_BYTES = 64 * 1024;
/** Invalid items listed for one rejected line (the detail gives the full count). */
export const MAX_INVALID_PARAMS_PER_LINE = 100;

/** What checking the lines of one spooled file needs to know about it. */
export interface LineCheckJob {
  /** The spooled file. */
  readonly file: string;
  readonly aanlevering: string;
  readonly aanleveraarOin: string;
  readonly formaat: 'NDJSON' | 'CSV';
  /** The checked header of a CSV file (its first line, skipped). */
  readonly header?: CsvHeader;
  /** Where to start: the stored checkpoint (byte offset and the number of the line there). */
  readonly offset: number;
  readonly firstLine: number;
}

/** One line after the checks: the row to insert, or why it is rejected. Plain data (it crosses threads). */
export type CheckedLine =
  /** `betrokkene`: the person's pseudonym for the processing record, computed here, off the storing thread. */
  | { readonly regel: number; readonly row: NewAanwijzing; readonly betrokkene: string; readonly error?: undefined }
  | { readonly regel: number; readonly error: LineError; readonly row?: undefined; readonly betrokkene?: undefined };

/** Up to {@link BATCH_LINES} checked lines and the checkpoint after them. */
export interface CheckedBatch {
  readonly lines: readonly CheckedLine[];
  /** Byte offset after the batch's last line (blank lines and a CSV header included). */
  readonly positie: number;
  /** Number of the batch's last line. */
  readonly regel: number;
  /** The file ends with this batch. */
  readonly last: boolean;
}

/** Checks the lines of spooled files, batch by batch, at the pace of the caller. */
export interface LineChecker {
  /**
   * The file's checked lines from the job's checkpoint on. `now` is asked once per batch (the date
   * checks and the rows' times use it). Stopping the iteration early releases what it holds.
   */
  batches(job: LineCheckJob, now: () => number): AsyncIterable<CheckedBatch>;
}

/** What the checks of a line need: the routing of a single delivery, and its schema validation. */
export interface LineCheckDeps {
  readonly registry: RoutingInput['registry'];
  readonly regelingen: RoutingInput['regelingen'];
  /** Schema validation of one delivery body (the contract's `AanwijzingAanlevering`). */
  readonly validate: (value: unknown) => InvalidParam[];
  readonly pseudonymiser: Pick<Pseudonymiser, 'pseudonym'>;
}

/**
 * One line, parsed and checked exactly as a single delivery would be (schema, then
 * {@link routeAanwijzing}); or why it is rejected. What the store decides (known kenmerk, opt-out,
 * correction) comes later, in the batch's transaction.
 */
export function checkLine(line: FileLine, job: LineCheckJob, deps: LineCheckDeps, now: Date): CheckedLine {
  const reject = (error: LineError): CheckedLine => ({ regel: line.regel, error });
  if (!line.bytes) return reject({ code: 'line-too-long', detail: `The line is longer than ${MAX_LINE_BYTES} bytes.` });
  let body: unknown;
  if (job.header) {
    const fields = splitCsvLine(line.bytes.toString('utf8'));
    body = fields && csvRecordToAanlevering(job.header, fields);
    if (!body) return reject({ code: 'csv-line-invalid', detail: `The line is not a CSV record with the ${job.header.columns.length} columns of the header.` });
  } else {
    try {
      body = JSON.parse(line.bytes.toString('utf8'));
    } catch {
      return reject({ code: 'line-not-json', detail: 'The line is not a JSON object.' });
    }
  }
  const problems = deps.validate(body);
  if (problems.length > 0) {
    // Bounded: a 64 KB line can hold thousands of invalid array items, and 500 such lines would
    // otherwise exhaust the worker's heap and fill the error table; the count stays exact.
    const listed = problems.slice(0, MAX_INVALID_PARAMS_PER_LINE);
    const which = listed.length < problems.length ? `the first ${listed.length} are listed in invalidParams` : 'see invalidParams';
    return reject({ code: 'invalid-input', detail: `The line has ${problems.length} invalid item(s); ${which}.`, invalidParams: listed });
  }
  // Only the line's own evidence: the file's signature is stored once, with the aanlevering.
  const ondertekening = JSON.stringify({
    bestand: { aanlevering: job.aanlevering, regel: line.regel, regelDigest: `SHA-256=${hash('sha256', line.bytes, 'base64')}` },
  });
  try {
    const input = body as AanwijzingAanlevering;
    const row = routeAanwijzing(input, { ...deps, aanleveraarOin: job.aanleveraarOin, ondertekening, now });
    return { regel: line.regel, row, betrokkene: deps.pseudonymiser.pseudonym(input.burgerservicenummer) };
  } catch (error) {
    if (error instanceof KetenpoortError) return reject(lineErrorOf(error));
    throw error;
  }
}

/**
 * Reads a spooled file from the job's checkpoint and yields its checked lines in batches of
 * {@link BATCH_LINES} (blank lines and the CSV header are skipped but move the checkpoint). The
 * last batch has `last` set, and may be empty when the file's tail held no lines.
 */
export async function* checkedBatches(chunks: AsyncIterable<Buffer>, job: LineCheckJob, deps: LineCheckDeps, now: () => number): AsyncGenerator<CheckedBatch> {
  let lines: CheckedLine[] = [];
  let at = new Date(now());
  let positie = job.offset;
  let regel = job.firstLine - 1;
  for await (const line of fileLines(chunks, { offset: job.offset, firstLine: job.firstLine, maxLineBytes: MAX_LINE_BYTES })) {
    positie = line.end;
    regel = line.regel;
    if (job.header && line.regel === 1) continue; // the header: counted in the checkpoint, not a signal
    if (line.bytes && isBlank(line.bytes)) continue;
    lines.push(checkLine(line, job, deps, at));
    if (lines.length === BATCH_LINES) {
      yield { lines, positie, regel, last: false };
      lines = [];
      at = new Date(now());
    }
  }
  yield { lines, positie, regel, last: true };
}

/** The line error a domain refusal stands for. */
export function lineErrorOf(error: KetenpoortError): LineError {
  const invalidParams = error instanceof InvalidInputError ? error.invalidParams : undefined;
  return { code: error.code, detail: error.message, ...(invalidParams ? { invalidParams } : {}) };
}

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}
