/**
 * What each index of the `aanwijzing` table costs a stored signal: `npm run bench:indexen`
 * (`-- --rijen 200000 --ontvangers 1,342 --herhaal 2 --paginas 4096,8192`). Issue 8's file scenario is bound by the
 * main thread's SQLite inserts; this measures them without the gateway around them.
 *
 * For each variant, a fresh database with the embedded store's migrations gets N signals in
 * transactions of 500 rows (a file batch), rows as a file line makes them (kenmerk and BSN
 * ascending, the receiver taken round-robin from R receivers), with automatic checkpoints off (the
 * gateway checkpoints from another thread while files run). The figure is CPU time (user + system)
 * per row: less disturbed than wall time by the other tenants of a shared machine, still noisy —
 * repeat (`--herhaal`) and compare within one run; `--paginas` compares page sizes of the file
 * (default: the store's own). Variants: the schema as migrated (the periodic
 * list's index filled behind within the measured time); each index dropped in turn; a larger feed
 * bucket; and the two receiver-led indexes written with each row, as before migration 6.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { NewAanwijzing } from '../src/store/aanwijzing-rows.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { SqliteAanwijzingen } from '../src/store/sqlite/sqlite-aanwijzingen.js';
import { SqliteProcessingLog } from '../src/store/sqlite/sqlite-processing-log.js';
import { PAGE_SIZE } from '../src/store/sqlite/sqlite-store.js';
import { describeMachine } from './machine.js';
import { formatNumber } from './report.js';

const { values } = parseArgs({ options: {
  rijen: { type: 'string', default: '200000' },
  ontvangers: { type: 'string', default: '1,342' },
  herhaal: { type: 'string', default: '2' },
  paginas: { type: 'string', default: String(PAGE_SIZE) },
} });
const ROWS = Number(values.rijen);
const RECEIVER_COUNTS = values.ontvangers.split(',').map(Number);
const ROUNDS = Number(values.herhaal);
const PAGE_SIZES = values.paginas.split(',').map(Number);
const BATCH = 500;

/** The two receiver indexes as they were before migration 6: written with each row, led by the receiver. */
const RECEIVER_LED = [
  'DROP INDEX aanwijzing_feed_emmer',
  'CREATE INDEX aanwijzing_feed ON aanwijzing (ontvanger_oin, volgnummer)',
  'CREATE INDEX aanwijzing_ontvanger_aangeboden ON aanwijzing (ontvanger_oin, aangeboden)',
];
/** `fillList`: whether the periodic list's index is filled behind (migration 6) inside the measured time. */
const VARIANTS: ReadonlyArray<{ name: string; sql: string[]; fillList: boolean }> = [
  { name: 'as migrated (feed in buckets of 4,096, list filled behind: its cost included)', sql: [], fillList: true },
  ...['aanwijzing_feed_emmer', 'aanwijzing_aanleveraar', 'aanwijzing_open', 'aanwijzing_purge', 'aanwijzing_bsn']
    .map((index) => ({ name: `without ${index}`, sql: [`DROP INDEX ${index}`], fillList: true })),
  { name: 'without the list index (nothing filled behind)', sql: [], fillList: false },
  {
    name: 'feed in buckets of 16,384 (>> 14)',
    sql: ['DROP INDEX aanwijzing_feed_emmer', 'CREATE INDEX feed_emmer ON aanwijzing (volgnummer >> 14, ontvanger_oin, volgnummer)'], fillList: true,
  },
  { name: 'before migration 6: both indexes led by ontvanger_oin, written with each row', sql: RECEIVER_LED, fillList: false },
];

const INHOUD = JSON.stringify({
  kenmerk: 'BESTAND-0000000000-000000', soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: '123456782', gemeentecode: '0363',
  geldigTot: '2027-03-01', aanleiding: { code: 'WW_EINDE', omschrijving: 'Einde WW-uitkering binnen drie maanden: mogelijk recht op aanvullende bijstand' },
});

/** Row `i` of a file: kenmerk and BSN ascending, as a file line is routed (see `routeAanwijzing`). */
function signalRow(i: number, ontvangerOin: string, now: number): NewAanwijzing {
  return {
    id: `0193${i.toString(16).padStart(28, '0')}`, aanleveraarOin: '00000099000000000101', kenmerk: `BESTAND-0000000000-${i}`, inhoudHash: 'h'.repeat(64),
    ontvangerOin, soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', gemeentecode: '0363', redenCode: 'WW_EINDE', bsn: String(100_000_000 + i * 7),
    inhoud: INHOUD, ondertekening: `{"bestand":{"aanlevering":"0193aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee","regel":${i},"regelDigest":"SHA-256=${'b'.repeat(43)}="}}`,
    geldigTot: '2027-03-01', status: 'AANGEBODEN', uitkomst: null, toelichting: null, teruggekoppeld: null, intrekkingsreden: null, vervangt: null,
    vervangenDoor: null, aangeboden: now, gewijzigd: now,
  };
}

/** CPU microseconds per stored row for one variant. */
function measure(dir: string, variant: { sql: string[]; fillList: boolean }, receivers: number, pageSize: number): number {
  const file = path.join(dir, 'indexen.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  const db = new Database(file);
  try {
    db.pragma(`page_size = ${pageSize}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -32768'); // as the store
    db.pragma('wal_autocheckpoint = 0');
    for (const migration of SQLITE_MIGRATIONS) db.exec(migration.sql);
    for (const statement of variant.sql) db.exec(statement);
    // The store's own insert path (the kenmerk check, the 23-column insert, positions counted in
    // memory as for a file batch); records are left out: the log's cost is not what varies here.
    const log = new SqliteProcessingLog(db);
    log.personIndex.stop();
    const signals = new SqliteAanwijzingen(db, log);
    signals.listIndex.stop();
    const receiverOins = Array.from({ length: receivers }, (_, i) => `00000001${String(i).padStart(12, '0')}`);
    const batch = db.transaction((from: number) => signals.withPositionsInMemory(() => {
      const now = Date.now();
      for (let i = from; i < from + BATCH; i++) {
        signals.insertInTransaction(signalRow(i, receiverOins[i % receivers]!, now), () => [], undefined, () => false);
      }
    }));
    const before = process.cpuUsage();
    for (let i = 0; i < ROWS; i += BATCH) batch.immediate(i);
    if (variant.fillList) signals.listIndex.fillAll();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / ROWS;
  } finally {
    db.close();
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'ketenpoort-indexen-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const machine = describeMachine();
console.log(`# ${formatNumber(ROWS)} signals per variant in transactions of ${BATCH}; ${machine.cpus}, Node ${machine.node}, load average ${machine.loadAverage.start}`);
const columns = RECEIVER_COUNTS.flatMap((receivers) => PAGE_SIZES.map((pageSize) => ({ receivers, pageSize, key: `${receivers}/${pageSize}` })));
const results: Record<string, Record<string, number[]>> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const column of columns) {
    for (const variant of VARIANTS) {
      ((results[variant.name] ??= {})[column.key] ??= []).push(measure(dir, variant, column.receivers, column.pageSize));
    }
  }
}
const header = ['variant', ...columns.map((c) => `${c.receivers} receiver${c.receivers === 1 ? '' : 's'}${PAGE_SIZES.length > 1 ? `, pages of ${c.pageSize}` : ''}: µs CPU/row`)];
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const variant of VARIANTS) {
  const cells = columns.map((c) => results[variant.name]![c.key]!.map((us) => us.toFixed(1)).join(' / '));
  console.log(`| ${variant.name} | ${cells.join(' | ')} |`);
}
