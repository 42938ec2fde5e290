import type { ProcessingRecord } from '../audit/processing-record.js';

/** An aanwijzing as the store keeps it. Personal fields are null after the retention purge. */
export interface AanwijzingRow {
  readonly id: string;
  readonly aanleveraarOin: string;
  readonly kenmerk: string;
  /** SHA-256 of the canonical delivery: equal content ⇔ equal hash (idempotency). */
  readonly inhoudHash: string;
  readonly ontvangerOin: string;
  readonly soort: string;
  readonly regeling: string;
  readonly gemeentecode: string;
  /** The sender's reason code; not personal, so kept for statistics after the purge. */
  readonly redenCode: string;
  readonly bsn: string | null;
  /** The delivery body as canonical JSON. */
  readonly inhoud: string | null;
  /** Signature, digest, signed bytes and certificate as JSON. */
  readonly ondertekening: string | null;
  readonly geldigTot: string;
  readonly status: string;
  readonly uitkomst: string | null;
  readonly toelichting: string | null;
  readonly teruggekoppeld: number | null;
  readonly intrekkingsreden: string | null;
  readonly vervangt: string | null;
  readonly vervangenDoor: string | null;
  /** Epoch ms. */
  readonly aangeboden: number;
  /** Epoch ms of the last change. */
  readonly gewijzigd: number;
  /** Position in the receiver's feed; a change moves the aanwijzing to a new, higher position. */
  readonly volgnummer: number;
}

/** A new aanwijzing; the store assigns `volgnummer`. */
export type NewAanwijzing = Omit<AanwijzingRow, 'volgnummer'>;

/** What `insertAanwijzing` did. */
export type InsertOutcome =
  | { readonly outcome: 'created'; readonly row: AanwijzingRow }
  /** The (sender, kenmerk) existed already: the stored row, whatever its content. */
  | { readonly outcome: 'existing'; readonly row: AanwijzingRow }
  /** The aanwijzing to correct does not exist or is not the caller's: nothing was stored. */
  | { readonly outcome: 'replaced-not-found'; readonly row: undefined };

/** A page request on a receiver's feed. */
export interface FeedQuery {
  readonly ontvangerOin: string;
  /** Return rows with a volgnummer above this. */
  readonly after: number;
  readonly limit: number;
  readonly status?: string;
  readonly regeling?: string;
  readonly soort?: string;
  /** Epoch ms, inclusive. */
  readonly gewijzigdVanaf?: number;
  /** Epoch ms, exclusive. */
  readonly gewijzigdTot?: number;
}

/** One page of a feed: the rows, and the position to continue after. */
export interface FeedPage {
  readonly rows: readonly AanwijzingRow[];
  /** The highest volgnummer examined, so filtered-out rows are not read again. */
  readonly last: number;
}

/** Builds the processing records of an operation from the rows it touched (called inside the transaction). */
export type RecordsFor<T> = (subject: T) => readonly ProcessingRecord[];

/** Like {@link RecordsFor} for a read, which also decides visibility: undefined means "not for this caller". */
export type ReadRecordsFor = (row: AanwijzingRow) => readonly ProcessingRecord[] | undefined;

/** A change of an aanwijzing's state, decided by the domain from the current row. */
export interface AanwijzingChange {
  readonly status: string;
  readonly uitkomst?: string | null;
  readonly toelichting?: string | null;
  readonly teruggekoppeld?: number | null;
  readonly intrekkingsreden?: string | null;
  readonly vervangenDoor?: string | null;
  /** Epoch ms of the change. */
  readonly gewijzigd: number;
}

/**
 * Decides, inside the store's transaction, what happens to the current row: a change;
 * `'unchanged'` when the request asks for the state the row already has (an idempotent repeat);
 * or `undefined` when the caller may not see it (the store then reports "not found"). Throwing
 * aborts the transaction and reaches the caller unchanged (e.g. a 409 for an invalid transition).
 */
export type DecideChange = (row: AanwijzingRow) => AanwijzingChange | 'unchanged' | undefined;

/** The row after a decided change, at its new feed position (both stores apply changes this way). */
export function changedRow(row: AanwijzingRow, change: AanwijzingChange, volgnummer: number): AanwijzingRow {
  return {
    ...row,
    status: change.status,
    uitkomst: change.uitkomst === undefined ? row.uitkomst : change.uitkomst,
    toelichting: change.toelichting === undefined ? row.toelichting : change.toelichting,
    teruggekoppeld: change.teruggekoppeld === undefined ? row.teruggekoppeld : change.teruggekoppeld,
    intrekkingsreden: change.intrekkingsreden === undefined ? row.intrekkingsreden : change.intrekkingsreden,
    vervangenDoor: change.vervangenDoor === undefined ? row.vervangenDoor : change.vervangenDoor,
    gewijzigd: change.gewijzigd,
    volgnummer,
  };
}

/** Counts of a sender's signals, grouped for the feedback statistics. */
export interface StatisticsRow {
  readonly regeling: string;
  readonly redenCode: string;
  readonly status: string;
  readonly uitkomst: string | null;
  readonly aantal: number;
}

/** What the maintenance job did. */
export interface MaintenanceResult {
  /** Open signals past their geldigTot, now VERLOPEN. */
  readonly expired: number;
  /** Closed signals whose personal data was removed. */
  readonly purged: number;
  /** Processing-log records removed after their retention period. */
  readonly logRecordsRemoved: number;
  /** Withdrawn opt-outs whose BSN was removed after their retention period. */
  readonly optOutsPurged: number;
}
