import type { Aanwijzing } from './aanwijzing-view.js';

/** Media types a periodic list is served in. */
export const LIST_MEDIA_TYPES = ['application/json', 'application/x-ndjson', 'text/csv'] as const;
export type ListMediaType = (typeof LIST_MEDIA_TYPES)[number];

/** Columns of the CSV list: those of the CSV delivery format, plus id, status and delivery time. */
export const LIST_CSV_COLUMNS = ['id', 'kenmerk', 'status', 'soort', 'regeling', 'burgerservicenummer', 'gemeentecode', 'geldigTot',
  'redenCode', 'criteria', 'toelichting', 'vervangt', 'tijdstipAanlevering'] as const;

/**
 * Serialises a list as it streams, page by page, in the asked-for format: JSON (one document),
 * NDJSON (one aanwijzing per line) or CSV (header, then one line per aanwijzing).
 */
export async function* formatList(pages: AsyncIterable<Aanwijzing[]>, mediaType: ListMediaType, periode: string): AsyncGenerator<string> {
  if (mediaType === 'text/csv') yield `${LIST_CSV_COLUMNS.join(',')}\r\n`;
  if (mediaType === 'application/json') yield `{"periode":${JSON.stringify(periode)},"aanwijzingen":[`;
  let first = true;
  for await (const page of pages) {
    if (mediaType === 'text/csv') {
      yield page.map((a) => `${csvRow(a)}\r\n`).join('');
    } else if (mediaType === 'application/x-ndjson') {
      yield page.map((a) => `${JSON.stringify(a)}\n`).join('');
    } else {
      yield (first ? '' : ',') + page.map((a) => JSON.stringify(a)).join(',');
      first = false;
    }
  }
  if (mediaType === 'application/json') yield ']}';
}

function csvRow(a: Aanwijzing): string {
  const values: Record<(typeof LIST_CSV_COLUMNS)[number], string> = {
    id: a.id,
    kenmerk: a.kenmerk,
    status: a.status,
    soort: a.soort,
    regeling: a.regeling,
    burgerservicenummer: a.burgerservicenummer ?? '',
    gemeentecode: a.gemeentecode,
    geldigTot: a.geldigTot ?? '',
    redenCode: a.aanleiding?.redenCode ?? '',
    criteria: a.aanleiding?.criteria.join('|') ?? '',
    toelichting: a.aanleiding?.toelichting ?? '',
    vervangt: a.vervangt ?? '',
    tijdstipAanlevering: a.tijdstipAanlevering,
  };
  return LIST_CSV_COLUMNS.map((c) => csvField(values[c])).join(',');
}

/**
 * One CSV field (RFC 4180 quoting). A field that a spreadsheet would run as a formula (starting
 * with `=`, `+`, `-`, `@`, tab or carriage return: OWASP "CSV injection") gets a leading `'`.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
