import { KetenpoortError, type InvalidParam } from '../errors.js';
import type { AanwijzingRow, DecideChange, InsertOutcome, NewAanwijzing, RecordsFor } from './aanwijzing-rows.js';

/** A delivered file (aanlevering) as the store keeps it: its identity, its trace, and its progress. */
export interface AanleveringRow {
  readonly id: string;
  readonly aanleveraarOin: string;
  readonly actorOin: string | null;
  /** The file's `Digest` header value; unique per sender (the same file again is the same aanlevering). */
  readonly digest: string;
  readonly formaat: 'NDJSON' | 'CSV';
  readonly bestandsnaam: string | null;
  readonly bytes: number;
  /** The file's payload signature and the certificate that verified it, as JSON. */
  readonly ondertekening: string;
  /** The upload's trace (JSON of trace id, span, parent span): records of lines processed later, even after a restart, belong to it. */
  readonly trace: string;
  readonly status: 'IN_VERWERKING' | 'VERWERKT';
  /** Epoch ms. */
  readonly ontvangen: number;
  readonly afgerond: number | null;
  /** Checkpoint: byte offset in the file up to which every line has its outcome stored. */
  readonly positie: number;
  /** Checkpoint: lines read up to `positie` (empty lines and the CSV header included). */
  readonly regel: number;
  readonly geaccepteerd: number;
  readonly afgewezen: number;
  readonly onderdrukt: number;
  readonly alBekend: number;
}

/** A new aanlevering: nothing processed yet. */
export type NewAanlevering = Omit<AanleveringRow, 'status' | 'afgerond' | 'positie' | 'regel' | 'geaccepteerd' | 'afgewezen' | 'onderdrukt' | 'alBekend'>;

/** Why a line was rejected, with the problem details a single delivery would have had. */
export interface LineError {
  readonly code: string;
  readonly detail: string;
  readonly invalidParams?: readonly InvalidParam[];
}

/** What became of one line. */
export type LineOutcome =
  | { readonly kind: 'geaccepteerd' | 'onderdrukt' | 'alBekend' }
  | { readonly kind: 'afgewezen'; readonly error: LineError };

/** One line of a batch: ready to insert (the same row a single delivery would insert), or rejected before. */
export interface IngestLine {
  readonly regel: number;
  readonly insert?: { readonly row: NewAanwijzing; readonly records: RecordsFor<AanwijzingRow>; readonly replaces?: DecideChange };
  readonly error?: LineError;
}

/**
 * Turns what the insert did (or the domain error it threw) into the line's outcome; the domain's
 * rules, applied inside the store's transaction.
 */
export type ClassifyInsert = (line: IngestLine, result: InsertAttempt) => LineOutcome;

/** What a line's insert did, or the domain refusal it threw. */
export type InsertAttempt = InsertOutcome | { readonly outcome: 'error'; readonly error: unknown };

/**
 * A line's insert threw: a domain refusal (e.g. correcting a closed signal) rejects that line only;
 * anything else fails the whole batch, so it is thrown on. Both stores apply this rule.
 */
export function refusedInsert(error: unknown): InsertAttempt {
  if (!(error instanceof KetenpoortError)) throw error;
  return { outcome: 'error', error };
}

/** A line's outcome: `classify` of its insert attempt, or the rejection found before the store (no attempt). */
export function lineOutcome(line: IngestLine, classify: ClassifyInsert, attempt: InsertAttempt | undefined): LineOutcome {
  return attempt ? classify(line, attempt) : { kind: 'afgewezen', error: line.error ?? { code: 'invalid-input', detail: 'The line was rejected.' } };
}

/** The checkpoint a batch moves the aanlevering to. */
export interface IngestCheckpoint {
  readonly positie: number;
  readonly regel: number;
  /** The batch ends the file: the aanlevering becomes VERWERKT. */
  readonly finished: boolean;
  readonly now: number;
}

/** One rejected line, as listed to the sender. */
export interface LineErrorRow extends LineError {
  readonly regel: number;
}
