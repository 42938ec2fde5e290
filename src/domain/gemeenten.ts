import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { projectPath } from '../config/project-paths.js';

/** One municipality of the CBS codelist (see `codelijsten/gemeenten.SOURCE.md`). */
export interface Gemeente {
  gemeentecode: string;
  naam: string;
  provincie: string;
}

let cache: ReadonlyMap<string, Gemeente> | undefined;

/** The CBS municipality codelist of 2026, keyed by the 4-digit gemeentecode; read once. */
export function gemeenten(): ReadonlyMap<string, Gemeente> {
  if (!cache) {
    const rows = parse(readFileSync(projectPath('codelijsten', 'gemeenten.csv')), { columns: true, skip_empty_lines: true }) as Gemeente[];
    cache = new Map(rows.map((row) => [row.gemeentecode, Object.freeze(row)]));
  }
  return cache;
}
