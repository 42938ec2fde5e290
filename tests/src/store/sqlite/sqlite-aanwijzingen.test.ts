import Database from 'better-sqlite3';
import t from 'tap';
import type { AanwijzingRow, NewAanwijzing } from '../../../../src/store/aanwijzing-rows.js';
import { SQLITE_MIGRATIONS } from '../../../../src/store/sqlite/migrations.js';
import { feedBucket } from '../../../../src/store/sqlite/sqlite-aanwijzingen.js';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';

const UWV = '00000099000000000101';
const AMSTERDAM = '00000099000000000363';
const LEIDEN = '00000099000000000546';

let serial = 0;
/** A signal for `ontvangerOin`, delivered at `aangeboden`; ids ascend with `serial`. */
function signal(ontvangerOin: string, kenmerk: string, aangeboden = 1): NewAanwijzing {
  serial += 1;
  return {
    id: `019a9a8e-0000-7000-8000-${String(serial).padStart(12, '0')}`, aanleveraarOin: UWV, kenmerk, inhoudHash: 'ab'.repeat(32),
    ontvangerOin, soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', gemeentecode: ontvangerOin.slice(-4), redenCode: 'X', bsn: '999999990', inhoud: '{}',
    ondertekening: null, geldigTot: '2099-12-31', status: 'AANGEBODEN', uitkomst: null, toelichting: null, teruggekoppeld: null, intrekkingsreden: null,
    vervangt: null, vervangenDoor: null, aangeboden, gewijzigd: aangeboden,
  };
}

async function insert(store: SqliteStore, row: NewAanwijzing): Promise<AanwijzingRow> {
  const { row: stored } = await store.insertAanwijzing(row, () => [], undefined);
  return stored!;
}

t.test('the feed finds a receiver\'s signals across position buckets, skipping none and repeating none', async (t) => {
  const store = SqliteStore.open(':memory:');
  t.teardown(() => store.close());
  // Amsterdam's three signals land in buckets 0, 1 and 2 (4,096 positions each), Leiden's fill the rest.
  await insert(store, signal(AMSTERDAM, 'A-1'));
  for (let i = 0; i < 5_000; i++) await insert(store, signal(LEIDEN, `L-${i}`));
  await insert(store, signal(AMSTERDAM, 'A-2'));
  for (let i = 5_000; i < 9_000; i++) await insert(store, signal(LEIDEN, `L-${i}`));
  const third = await insert(store, signal(AMSTERDAM, 'A-3'));
  t.equal(third.volgnummer, 9_003);

  const feed = (after: number, limit: number, status?: string) => store.aanwijzingFeed({ ontvangerOin: AMSTERDAM, after, limit, ...(status ? { status } : {}) }, () => []);
  const first = await feed(0, 2);
  t.same(first.rows.map((r) => [r.kenmerk, r.volgnummer]), [['A-1', 1], ['A-2', 5_002]], 'a full page ends at its last row');
  t.equal(first.last, 5_002);
  const second = await feed(first.last, 2);
  t.same(second.rows.map((r) => r.kenmerk), ['A-3']);
  t.equal(second.last, 9_003, 'a short page continues from the head');
  t.same((await feed(9_003, 2)).rows, [], 'nothing after the head');
  t.same((await feed(0, 10, 'AANGEBODEN')).rows.map((r) => r.kenmerk), ['A-1', 'A-2', 'A-3'], 'a filter applies in every bucket');
  t.same(await feed(20_000, 5), { rows: [], last: 20_000 }, 'a cursor past the head stays where it is');
  // Any safe integer decodes as a cursor: one past 2^31 must not wrap to a negative bucket (and a scan of millions).
  for (const far of [2 ** 31 + 5, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER]) {
    t.same(await feed(far, 5), { rows: [], last: far }, `a cursor of ${far}`);
  }

  // A change moves the signal to the head: it appears again, once, in its new state.
  const changed = await store.changeAanwijzing(first.rows[0]!.id, () => ({ status: 'INGETROKKEN', intrekkingsreden: 'test', gewijzigd: 2 }), () => []);
  t.equal(changed?.volgnummer, 9_004);
  t.same((await feed(second.last, 10)).rows.map((r) => [r.kenmerk, r.status]), [['A-1', 'INGETROKKEN']]);
  t.same((await feed(0, 10)).rows.map((r) => r.kenmerk), ['A-2', 'A-3', 'A-1'], 'and no longer at its old position');

  // Leiden pages through 9,000 signals in pages of 700: every one once, in order.
  const seen: number[] = [];
  for (let after = 0, page = await store.aanwijzingFeed({ ontvangerOin: LEIDEN, after, limit: 700 }, () => []); page.rows.length > 0;
    after = page.last, page = await store.aanwijzingFeed({ ontvangerOin: LEIDEN, after, limit: 700 }, () => [])) {
    seen.push(...page.rows.map((r) => r.volgnummer));
  }
  t.equal(seen.length, 9_000);
  t.ok(seen.every((v, i) => i === 0 || v > seen[i - 1]!), 'strictly ascending');
});

t.test('the periodic list merges its index and the signals written after the index\'s mark, in delivery order, page by page', async (t) => {
  const store = SqliteStore.open(':memory:');
  t.teardown(() => store.close());
  // Delivery times out of insertion order, some equal (then the id decides), another receiver's in between.
  const times = [50, 10, 30, 30, 70, 20, 90, 30, 60, 40];
  const ours: AanwijzingRow[] = [];
  for (const [i, time] of times.entries()) {
    if (i === 5) t.equal(await store.indexReceiverLists(), 10, 'the first half (and Leiden\'s) is indexed; the rest is after the mark');
    ours.push(await insert(store, signal(AMSTERDAM, `A-${i}`, time)));
    await insert(store, signal(LEIDEN, `L-${i}`, time));
  }
  const expected = ours.filter((r) => r.aangeboden >= 20 && r.aangeboden < 90)
    .sort((a, b) => a.aangeboden - b.aangeboden || (a.id < b.id ? -1 : 1)).map((r) => r.kenmerk);
  const pages = async () => {
    const kenmerken: string[][] = [];
    let after: { aangeboden: number; id: string } | undefined;
    for (;;) {
      const rows = await store.aanwijzingListPage(AMSTERDAM, 20, 90, after, 3, () => []);
      if (rows.length === 0) return kenmerken;
      kenmerken.push(rows.map((r) => r.kenmerk));
      t.ok(rows.every((r) => r.ontvangerOin === AMSTERDAM), 'only the receiver\'s own');
      after = { aangeboden: rows.at(-1)!.aangeboden, id: rows.at(-1)!.id };
    }
  };
  const partlyIndexed = await pages();
  t.same(partlyIndexed.flat(), expected, 'index and tail together, ordered by delivery time and id');
  t.same(partlyIndexed.map((p) => p.length), [3, 3, 2]);
  t.equal(await store.indexReceiverLists(), 10, 'the rest follows');
  t.equal(await store.indexReceiverLists(), 0, 'and the index is then up to date');
  t.same((await pages()).flat(), expected, 'the same answer from the index alone');
});

t.test('migration 6 indexes the periodic list of an existing store, without suppressed signals, and the list reads it', async (t) => {
  const file = `${t.testdir({})}/kp.db`;
  const old = new Database(file);
  for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version < 6)) old.exec(migration.sql);
  const columns = 'id, aanleveraar_oin, kenmerk, inhoud_hash, ontvanger_oin, soort, regeling, gemeentecode, reden_code, geldig_tot, status, aangeboden, gewijzigd, volgnummer';
  const add = old.prepare(`INSERT INTO aanwijzing (${columns}) VALUES (?, '${UWV}', ?, 'h', ?, 'MOGELIJK_RECHT', 'ALGEMENE_BIJSTAND', '0363', 'X', '2099-12-31', ?, ?, ?, ?)`);
  add.run('id-1', 'K-1', AMSTERDAM, 'AANGEBODEN', 5, 5, 1);
  add.run('id-2', 'K-2', '', 'ONDERDRUKT', 6, 6, 2);
  add.run('id-3', 'K-3', AMSTERDAM, 'AANGEBODEN', 4, 4, 3);
  old.exec("UPDATE teller SET waarde = 3 WHERE naam = 'aanwijzing'");
  old.exec('CREATE TABLE schema_migratie (version INTEGER PRIMARY KEY, naam TEXT NOT NULL, toegepast TEXT NOT NULL)');
  const record = old.prepare("INSERT INTO schema_migratie (version, naam, toegepast) VALUES (?, ?, 'test')");
  for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version < 6)) record.run(migration.version, migration.name);
  old.close();

  const store = SqliteStore.open(file);
  t.teardown(() => store.close());
  t.ok(store.appliedMigrations().includes(6));
  const check = new Database(file, { readonly: true });
  t.teardown(() => check.close());
  t.same(check.prepare('SELECT id FROM aanwijzing_lijst ORDER BY aangeboden').pluck().all(), ['id-3', 'id-1'], 'the suppressed signal is in no list');
  t.equal(check.prepare("SELECT waarde FROM teller WHERE naam = 'aanwijzing_lijst'").pluck().get(), 3, 'the mark covers every existing row');
  t.same((await store.aanwijzingListPage(AMSTERDAM, 0, 10, undefined, 10, () => [])).map((r) => r.id), ['id-3', 'id-1']);
  t.same((await store.aanwijzingFeed({ ontvangerOin: AMSTERDAM, after: 0, limit: 10 }, () => [])).rows.map((r) => r.id), ['id-1', 'id-3'], 'the feed reads the new index');
});

t.test('a position\'s feed bucket is SQLite\'s (64-bit), also for cursors past 2^31', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  const sqlite = db.prepare('SELECT ? >> 12').pluck();
  for (const position of [0, 1, 4_095, 4_096, 9_003, 2 ** 31 - 1, 2 ** 31 + 5, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER]) {
    t.equal(feedBucket(position), Number(sqlite.safeIntegers(true).get(BigInt(position))), `position ${position}`);
  }
});
