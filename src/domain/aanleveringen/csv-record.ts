import type { InvalidParam } from '../../errors.js';
import type { AanwijzingAanlevering } from '../aanwijzingen/aanwijzing-checks.js';

/** The columns of the CSV delivery format (see the contract's `POST /aanleveringen`). */
export const CSV_COLUMNS = ['kenmerk', 'soort', 'regeling', 'burgerservicenummer', 'gemeentecode', 'geldigTot', 'redenCode', 'criteria', 'toelichting', 'vervangt'] as const;
const REQUIRED = CSV_COLUMNS.filter((c) => c !== 'vervangt');

/**
 * Splits one CSV line (RFC 4180: comma-separated, fields optionally quoted with `"`, a quote inside
 * doubled). Fields cannot span lines in this format, which keeps every line independent.
 * @returns the fields, or undefined when the quoting is broken
 */
export function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote === -1) return undefined; // unterminated
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ',') return undefined; // text after the closing quote
      i += 1;
    } else {
      const comma = line.indexOf(',', i);
      const value = comma === -1 ? line.slice(i) : line.slice(i, comma);
      if (value.includes('"')) return undefined; // a quote inside an unquoted field
      fields.push(value);
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}

/** A CSV header, checked: the column names in file order. */
export interface CsvHeader {
  readonly columns: readonly string[];
}

/**
 * Checks a CSV header line (a UTF-8 byte-order mark is allowed): every required column present, no
 * unknown or repeated column.
 * @returns the header, or the problems (one per missing, unknown or repeated column)
 */
export function parseCsvHeader(line: string): CsvHeader | InvalidParam[] {
  const columns = splitCsvLine(line.replace(/^\uFEFF/, '').trim());
  if (!columns) return [{ in: 'body', name: 'regel 1', code: 'csv', reason: 'the header line is not valid CSV' }];
  const problems: InvalidParam[] = [];
  const seen = new Set<string>();
  for (const column of columns) {
    if (!(CSV_COLUMNS as readonly string[]).includes(column)) problems.push({ in: 'body', name: column, code: 'unknown-column', reason: `unknown column; the columns are ${CSV_COLUMNS.join(', ')}` });
    else if (seen.has(column)) problems.push({ in: 'body', name: column, code: 'duplicate-column', reason: 'the column appears twice' });
    seen.add(column);
  }
  for (const column of REQUIRED) if (!seen.has(column)) problems.push({ in: 'body', name: column, code: 'missing-column', reason: 'required column is missing' });
  return problems.length > 0 ? problems : { columns };
}

/**
 * One CSV record as the delivery body it stands for, to be validated like any delivery.
 * @returns the body, or undefined when the field count does not match the header
 */
export function csvRecordToAanlevering(header: CsvHeader, fields: readonly string[]): Record<string, unknown> | undefined {
  if (fields.length !== header.columns.length) return undefined;
  const value = (name: string) => fields[header.columns.indexOf(name)];
  const body: Record<string, unknown> = {
    kenmerk: value('kenmerk'),
    soort: value('soort'),
    regeling: value('regeling'),
    burgerservicenummer: value('burgerservicenummer'),
    gemeentecode: value('gemeentecode'),
    geldigTot: value('geldigTot'),
    aanleiding: {
      redenCode: value('redenCode'),
      criteria: value('criteria') === '' ? [] : value('criteria')!.split('|'),
      toelichting: value('toelichting'),
    },
  };
  const vervangt = header.columns.includes('vervangt') ? value('vervangt') : '';
  if (vervangt) body.vervangt = vervangt;
  return body satisfies Partial<Record<keyof AanwijzingAanlevering, unknown>>;
}
