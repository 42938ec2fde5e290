import pg from 'pg';
import t from 'tap';
import { ConflictError, KetenpoortError } from '../../../src/errors.js';
import type { ProcessingRecord } from '../../../src/audit/processing-record.js';
import type { AanwijzingRow, NewAanwijzing } from '../../../src/store/aanwijzing-rows.js';
import type { ClassifyInsert, IngestLine } from '../../../src/store/aanlevering-rows.js';
import type { NewOptOut } from '../../../src/store/opt-out-rows.js';
import { POSTGRES_MIGRATIONS } from '../../../src/store/postgres/postgres-migrations.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { transaction } from '../../../src/store/postgres/postgres-transaction.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { createTestSchema } from '../../helpers/test-database.js';

// The PostgreSQL store on its own (the whole suite runs on it too with `npm run test:postgres`):
// what the SQLite store test checks, the same answers as SQLite for one scenario, and what only
// several instances on one database can get wrong.

const skip = process.env.KETENPOORT_TEST_POSTGRES_URL ? false : 'needs KETENPOORT_TEST_POSTGRES_URL (npm run test:postgres sets it)';
type Tap = { teardown(fn: () => unknown): void };

/** A fresh schema and `count` stores on it (instances of the gateway), all closed and the schema dropped in teardown. */
async function instances(tap: Tap, count = 1, poolSize?: number): Promise<{ url: string; stores: PostgresStore[] }> {
  const database = await createTestSchema();
  const stores: PostgresStore[] = [];
  tap.teardown(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await database.drop();
  });
  for (let i = 0; i < count; i++) stores.push(await PostgresStore.open(database.url, poolSize ? { poolSize } : {}));
  return { url: database.url, stores };
}

const A = '00000099000000000101';
const R = '00000099000000000363';
const record = (subject: string, resourceId?: string): ProcessingRecord => ({
  traceId: 'a'.repeat(32), operationId: 'b'.repeat(16), name: 'test', status: 'OK', startTime: new Date(1000), endTime: new Date(2000),
  processingActivityId: 'urn:test', dataSubjectId: subject.padStart(64, '0'), requester: R, ...(resourceId ? { resourceId } : {}),
});
const logged = (row: { id: string; bsn?: string | null }) => [record(row.bsn ?? '0', row.id)];
const aanwijzing = (kenmerk: string, over: Partial<NewAanwijzing> = {}): NewAanwijzing => ({
  id: `id-${kenmerk}`, aanleveraarOin: A, kenmerk, inhoudHash: `h-${kenmerk}`, ontvangerOin: R, soort: 'MOGELIJK_RECHT', regeling: 'BIJSTAND',
  gemeentecode: '0363', redenCode: 'INKOMEN', bsn: '999999990', inhoud: '{}', ondertekening: '{}', geldigTot: '2026-12-31', status: 'AANGEBODEN',
  uitkomst: null, toelichting: null, teruggekoppeld: null, intrekkingsreden: null, vervangt: null, vervangenDoor: null, aangeboden: 1000, gewijzigd: 1000, ...over,
});
const optOut = (id: string, bsn: string, scope = '*'): NewOptOut => ({ id, bsn, scope, kanaal: 'BRIEF', geregistreerdDoor: R, actorOin: null, ingang: 5000 });
const classify: ClassifyInsert = (_line, result) => {
  if (result.outcome === 'created') return { kind: result.row.status === 'ONDERDRUKT' ? 'onderdrukt' : 'geaccepteerd' };
  if (result.outcome === 'existing') return { kind: 'alBekend' };
  return { kind: 'afgewezen', error: { code: result.outcome === 'error' ? (result.error as KetenpoortError).code : 'not-found', detail: 'refused' } };
};
const maintenance = { today: '2027-01-01', now: 9000, purgeClosedBefore: 0, purgeLogBefore: 0, purgeWithdrawnOptOutsBefore: 0 };

t.test('migrations run once, in order, even when two instances start together; a failing one leaves nothing', { skip }, async (t) => {
  const database = await createTestSchema();
  t.teardown(() => database.drop());
  const both = await Promise.all([PostgresStore.open(database.url), PostgresStore.open(database.url)]);
  for (const store of both) t.same(await store.appliedMigrations(), POSTGRES_MIGRATIONS.map((m) => m.version));
  await Promise.all(both.map((s) => s.close()));
  const broken = [...POSTGRES_MIGRATIONS, { version: 99, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); THIS IS NOT SQL;' }];
  await t.rejects(PostgresStore.open(database.url, {}, broken));
  const extra = [...POSTGRES_MIGRATIONS, { version: 999, name: 'test table', sql: 'CREATE TABLE proef (x INTEGER)' }];
  const store = await PostgresStore.open(database.url, {}, extra);
  t.teardown(() => store.close());
  t.same(await store.appliedMigrations(), [...POSTGRES_MIGRATIONS.map((m) => m.version), 999], 'version 99 not recorded, only 999 ran');
});

t.test('an assertion id is accepted once on any instance, and purged after it expires', { skip }, async (t) => {
  const { stores: [a, b] } = await instances(t, 2);
  const expires = new Date('2026-11-22T12:05:00Z');
  t.equal(await a!.consumeAssertionId(A, 'jti-1', expires), true);
  t.equal(await b!.consumeAssertionId(A, 'jti-1', expires), false, 'replay on the other instance refused');
  const together = await Promise.all([a!.consumeAssertionId(R, 'jti-2', expires), b!.consumeAssertionId(R, 'jti-2', expires)]);
  t.same(together.sort(), [false, true], 'used at once on both: one wins');
  t.equal(await a!.purgeExpiredAssertionIds(new Date('2026-11-22T12:06:00Z')), 2);
  await t.resolves(a!.ping());
});

t.test('a closed store, or a connection that dies, reports unavailable; domain errors and bugs pass unchanged', { skip }, async (t) => {
  const { url, stores: [store] } = await instances(t);
  const pool = new pg.Pool({ connectionString: url });
  t.teardown(() => pool.end());
  await t.rejects(transaction(pool, (tx) => tx.run('SELECT pg_terminate_backend(pg_backend_pid())')), { code: 'service-unavailable', status: 503 });
  await t.rejects(transaction(pool, async () => { throw new ConflictError('x', 'refused'); }), { code: 'x', status: 409 });
  await t.rejects(transaction(pool, async () => { throw new TypeError('a bug'); }), TypeError);
  await t.rejects(transaction(pool, (tx) => tx.run('SELECT * FROM no_such_table')), { code: '42P01' }, 'an SQL error is no outage');
  let attempts = 0;
  t.equal(await transaction(pool, async (tx) => {
    if (++attempts === 1) await tx.run("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$");
    return 'done';
  }), 'done');
  t.equal(attempts, 2, 'a serialization failure runs the transaction again');
  await store!.close();
  await t.rejects(store!.ping(), { code: 'service-unavailable', status: 503 });
});

t.test('bulk import of an existing opt-out register skips what is active already', { skip }, async (t) => {
  const { stores: [store] } = await instances(t);
  t.equal(await store!.importOptOuts([optOut('a', '999999990'), optOut('b', '111222333'), optOut('c', '999999990')]), 2);
  const found = await store!.lookupOptOuts(['999999990', '111222333', '123456782'], () => []);
  t.same([...found.keys()].sort(), ['111222333', '999999990']);
});

/** One scenario through every method; both engines must give the same answers, number for number. */
async function scenario(store: Store): Promise<unknown[]> {
  const out: unknown[] = [];
  const decide = (status: string) => (row: AanwijzingRow) => (row.status === 'AFGEROND' ? (() => { throw new ConflictError('closed', 'closed'); })() : { status, gewijzigd: 3000 });
  out.push(await store.insertAanwijzing(aanwijzing('K1'), logged));
  out.push(await store.insertAanwijzing(aanwijzing('K1', { inhoudHash: 'other' }), logged));
  out.push(await store.insertAanwijzing(aanwijzing('K2', { bsn: '111222333', aangeboden: 1500 }), logged));
  out.push(await store.changeAanwijzing('id-K2', decide('AFGEROND'), logged));
  out.push(await store.changeAanwijzing('id-K2', () => 'unchanged', logged));
  out.push(await store.insertAanwijzing(aanwijzing('K3', { vervangt: 'id-K1' }), logged, () => ({ status: 'VERVANGEN', vervangenDoor: 'id-K3', gewijzigd: 3000 })));
  out.push(await store.insertAanwijzing(aanwijzing('K4', { vervangt: 'missing' }), logged, decide('VERVANGEN')));
  out.push(await store.registerOptOut(optOut('o1', '999999990', 'BIJSTAND'), (row, suppressed) => [...logged(row), ...suppressed.flatMap(logged)]));
  out.push(await store.registerOptOut(optOut('o2', '999999990', 'BIJSTAND'), () => []));
  out.push(await store.insertAanwijzing(aanwijzing('K5'), logged));
  out.push(await store.follow(R, ['999999990', '123456782', '999999990'], 4000, () => []));
  out.push(await store.withdrawOptOut('o1', R, 6000, () => true, (row) => logged(row)));
  out.push(await store.withdrawOptOut('o1', R, 7000, () => true, (row) => logged(row)));
  out.push(await store.optOutChanges(R, 0, 10, () => []));
  out.push(await store.unfollow(R, ['123456782', 'nobody'], () => []));
  out.push(await store.registerOptOut(optOut('o3', '123456782'), () => []));
  out.push(await store.readOptOut('o1', () => []), await store.readAanwijzing('id-K5', () => undefined), await store.readAanwijzing('id-K5', logged));
  const file = { id: 'f1', aanleveraarOin: A, actorOin: null, digest: 'sha-256=x', formaat: 'NDJSON' as const, bestandsnaam: 'a.ndjson', bytes: 100, ondertekening: '{}', trace: '{}', ontvangen: 8000 };
  out.push(await store.createAanlevering(file), await store.createAanlevering({ ...file, id: 'f2' }));
  const lines: IngestLine[] = [
    { regel: 1, insert: { row: aanwijzing('F1'), records: logged } },
    { regel: 2, insert: { row: aanwijzing('F1'), records: logged } },
    { regel: 3, error: { code: 'invalid-input', detail: 'bad', invalidParams: [{ in: 'body', name: 'x', code: 'required', reason: 'r' }] } },
    { regel: 4, insert: { row: aanwijzing('F2', { vervangt: 'id-F1' }), records: logged, replaces: () => ({ status: 'VERVANGEN', vervangenDoor: 'id-F2', gewijzigd: 8000 }) } },
    { regel: 5, insert: { row: aanwijzing('F3', { vervangt: 'id-K2' }), records: logged, replaces: decide('VERVANGEN') } },
    { regel: 6, insert: { row: aanwijzing('F1'), records: logged } },
    { regel: 7, insert: { row: aanwijzing('F4', { bsn: '111222333' }), records: logged } },
    { regel: 8, insert: { row: aanwijzing('F5', { bsn: '123456782' }), records: logged } },
  ];
  out.push(await store.ingestAanleveringBatch('f1', lines, classify, { positie: 50, regel: 7, finished: false, now: 8500 }));
  out.push(await store.ingestAanleveringBatch('f1', lines, classify, { positie: 50, regel: 7, finished: false, now: 8500 }));
  await store.finishAanlevering('f1', { positie: 100, regel: 9, finished: true, now: 8600 });
  out.push(await store.readAanlevering('f1'), await store.aanleveringErrors('f1', 0, 10), await store.unfinishedAanleveringen());
  out.push(await store.aanwijzingFeed({ ontvangerOin: R, after: 0, limit: 3 }, () => []));
  out.push(await store.aanwijzingFeed({ ontvangerOin: R, after: 2, limit: 50, status: 'AANGEBODEN' }, () => []));
  out.push(await store.aanwijzingListPage(R, 0, 10_000, undefined, 2, () => []), await store.aanwijzingListPage(R, 0, 10_000, { aangeboden: 1000, id: 'id-K1' }, 50, () => []));
  out.push(await store.aanwijzingStatistics(A, 0, 10_000));
  out.push(await store.runMaintenance({ ...maintenance, purgeClosedBefore: 3500 }));
  out.push(await store.processingLog({ requester: R, after: 0, limit: 100 }));
  out.push(await store.processingLog({ requester: R, after: 2, limit: 100, dataSubjectId: '999999990'.padStart(64, '0') }));
  out.push(await store.runMaintenance({ ...maintenance, purgeLogBefore: 10_000, purgeWithdrawnOptOutsBefore: 10_000 }));
  return out;
}

t.test('the same operations give the same answers as the SQLite store', { skip }, async (t) => {
  const { stores: [postgres] } = await instances(t);
  const sqlite = SqliteStore.open(':memory:');
  t.teardown(() => sqlite.close());
  const expected = await scenario(sqlite);
  const actual = await scenario(postgres!);
  for (const [i, value] of expected.entries()) t.strictSame(actual[i], value, `step ${i}`);
  t.same((actual[21] as Array<{ kind: string }>).map((o) => o.kind),
    ['geaccepteerd', 'alBekend', 'afgewezen', 'geaccepteerd', 'afgewezen', 'alBekend', 'geaccepteerd', 'onderdrukt'], 'the file batch meant what it should');
  t.equal(actual[22], undefined, 'the batch again: nothing written twice');
});

t.test('the same kenmerk delivered on two instances at once is one signal', { skip }, async (t) => {
  const { stores: [a, b] } = await instances(t, 2);
  for (let i = 0; i < 20; i++) {
    const both = await Promise.all([a!.insertAanwijzing(aanwijzing(`T${i}`), logged), b!.insertAanwijzing(aanwijzing(`T${i}`), logged)]);
    t.same(both.map((r) => r.outcome).sort(), ['created', 'existing'], `T${i}: one created, one existing`);
    t.equal(both[0].row?.volgnummer, both[1].row?.volgnummer);
  }
});

t.test('feed positions follow commit order: a reader never passes a position that commits later', { skip }, async (t) => {
  const { url, stores: [a, b] } = await instances(t, 2);
  await a!.insertAanwijzing(aanwijzing('E1'), logged);
  // A writer of its own, as another instance would write: it holds the counter and an uncommitted row at position 2.
  const writer = new pg.Client({ connectionString: url });
  await writer.connect();
  t.teardown(() => writer.end());
  await writer.query('BEGIN');
  const { rows: [counter] } = await writer.query<{ waarde: string }>("SELECT waarde FROM teller WHERE naam = 'aanwijzing' FOR UPDATE");
  const position = Number(counter!.waarde) + 1;
  await writer.query(`INSERT INTO aanwijzing (id, aanleveraar_oin, kenmerk, inhoud_hash, ontvanger_oin, soort, regeling, gemeentecode, reden_code,
    geldig_tot, status, aangeboden, gewijzigd, volgnummer) VALUES ('id-SLOW', $1, 'SLOW', 'h', $2, 'S', 'BIJSTAND', '0363', 'R', '2026-12-31', 'AANGEBODEN', 1, 1, $3)`, [A, R, position]);
  const waiting = b!.insertAanwijzing(aanwijzing('FAST'), logged);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const page = await a!.aanwijzingFeed({ ontvangerOin: R, after: 0, limit: 10 }, () => []);
  t.same(page.rows.map((r) => r.kenmerk), ['E1']);
  t.equal(page.last, 1, 'a short page stops at the last committed position');
  await writer.query("UPDATE teller SET waarde = $1 WHERE naam = 'aanwijzing'", [position]);
  await writer.query('COMMIT');
  t.equal((await waiting).row?.volgnummer, position + 1, 'the waiting writer numbers after the one that committed first');
  const next = await b!.aanwijzingFeed({ ontvangerOin: R, after: page.last, limit: 10 }, () => []);
  t.same(next.rows.map((r) => r.kenmerk), ['SLOW', 'FAST'], 'nothing skipped');

  // And under load: writers on both instances, a reader alternating between them, five at a time.
  const written = Promise.all(Array.from({ length: 60 }, (_, i) => [a, b][i % 2]!.insertAanwijzing(aanwijzing(`L${i}`), logged)));
  let done = false;
  void written.then(() => { done = true; });
  const seen: string[] = [];
  for (let after = next.last, turn = 0; ; turn++) {
    const wasDone = done;
    const feed = await [a, b][turn % 2]!.aanwijzingFeed({ ontvangerOin: R, after, limit: 5 }, () => []);
    seen.push(...feed.rows.map((r) => r.kenmerk));
    after = feed.last;
    if (wasDone && feed.rows.length === 0) break;
  }
  t.equal(seen.length, 60, 'every signal seen once');
  t.same([...new Set(seen)].sort(), (await written).map((r) => r.row!.kenmerk).sort());
});

t.test('an opt-out registered on one instance suppresses a delivery on the other, also when both run at once', { skip }, async (t) => {
  const { stores: [a, b] } = await instances(t, 2);
  for (let i = 0; i < 10; i++) {
    const bsn = String(100_000_000 + i);
    const [registration, delivery] = await Promise.all([
      a!.registerOptOut(optOut(`o${i}`, bsn), () => []), b!.insertAanwijzing(aanwijzing(`P${i}`, { bsn }), logged)]);
    t.equal(registration.outcome, 'created');
    const now = await b!.readAanwijzing(delivery.row!.id, () => []);
    t.match(now, { status: 'ONDERDRUKT', bsn: null, inhoud: null }, `P${i} suppressed (${registration.suppressed.length ? 'by the registration' : 'at delivery'})`);
  }
  const twice = await Promise.all([a!.registerOptOut(optOut('x1', '222333444'), () => []), b!.registerOptOut(optOut('x2', '222333444'), () => [])]);
  t.same(twice.map((r) => r.outcome).sort(), ['created', 'existing'], 'the same opt-out on both at once is registered once');
});

t.test('maintenance on two instances at once expires each signal once', { skip }, async (t) => {
  const { url, stores: [a, b] } = await instances(t, 2);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  t.teardown(() => admin.end());
  await admin.query(`INSERT INTO aanwijzing (id, aanleveraar_oin, kenmerk, inhoud_hash, ontvanger_oin, soort, regeling, gemeentecode, reden_code,
    bsn, geldig_tot, status, aangeboden, gewijzigd, volgnummer)
    SELECT 'id-' || n, $1, 'M' || n, 'h', $2, 'S', 'BIJSTAND', '0363', 'R', '999999990', '2026-01-01', 'AANGEBODEN', 1, 1, n FROM generate_series(1, 1234) n`, [A, R]);
  await admin.query("UPDATE teller SET waarde = 1234 WHERE naam = 'aanwijzing'");
  const results = await Promise.all([a!.runMaintenance(maintenance), b!.runMaintenance(maintenance)]);
  t.equal(results[0].expired + results[1].expired, 1234, `the counts add up (${results.map((r) => r.expired).join(' + ')})`);
  const { rows: [state] } = await admin.query<{ verlopen: string; posities: string; hoogste: string; teller: string }>(`SELECT
    count(*) FILTER (WHERE status = 'VERLOPEN') AS verlopen, count(DISTINCT volgnummer) AS posities, max(volgnummer) AS hoogste,
    (SELECT waarde FROM teller WHERE naam = 'aanwijzing') AS teller FROM aanwijzing`);
  t.same(state, { verlopen: '1234', posities: '1234', hoogste: '2468', teller: '2468' }, 'each expired once, with exactly one new position');
});

t.test('a batch of a file given to two instances at once is processed once', { skip }, async (t) => {
  const { stores: [a, b] } = await instances(t, 2);
  const file = { id: 'f', aanleveraarOin: A, actorOin: null, digest: 'd', formaat: 'CSV' as const, bestandsnaam: null, bytes: 10, ondertekening: '{}', trace: '{}', ontvangen: 1 };
  const created = await Promise.all([a!.createAanlevering(file), b!.createAanlevering({ ...file, id: 'g' })]);
  t.same(created.map((c) => c.created).sort(), [false, true], 'the same file on both at once is one aanlevering');
  const id = created.find((c) => c.created)!.row.id;
  const lines: IngestLine[] = Array.from({ length: 50 }, (_, i) => ({ regel: i + 1, insert: { row: aanwijzing(`B${i}`), records: logged } }));
  const checkpoint = { positie: 10, regel: 50, finished: true, now: 2 };
  const both = await Promise.all([a!.ingestAanleveringBatch(id, lines, classify, checkpoint), b!.ingestAanleveringBatch(id, lines, classify, checkpoint)]);
  t.equal(both.filter((o) => o === undefined).length, 1, 'the second finds the checkpoint moved');
  t.match(await b!.readAanlevering(id), { status: 'VERWERKT', geaccepteerd: 50, alBekend: 0, positie: 10 });
});

t.test('processing-log positions: a reader waits for a record in flight with a lower position, and never passes it', { skip }, async (t) => {
  const { url, stores: [a, b] } = await instances(t, 2);
  await a!.appendProcessingRecords([record('1')]);
  // Another instance's transaction takes the next position and is still open.
  const writer = new pg.Client({ connectionString: url });
  await writer.connect();
  t.teardown(() => writer.end());
  await writer.query('BEGIN');
  await writer.query(`WITH v AS (INSERT INTO verwerking (trace_id, operation_id, naam, status, start_tijd, eind_tijd, verwerkingsactiviteit, verzoeker_oin)
    VALUES ('t', 'o', 'traag', 'OK', 1, 2, 'urn:test', $1) RETURNING nr)
    INSERT INTO verwerking_betrokkene (verwerking, verzoeker_oin, betrokkene) SELECT nr, $1, decode(repeat('22', 32), 'hex') FROM v`, [R]);
  await b!.appendProcessingRecords([record('3')]); // a higher position, committed first
  let answered = false;
  const reading = a!.processingLog({ requester: R, after: 0, limit: 10 }).then((page) => { answered = true; return page; });
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(answered, false, 'the reader waits while a lower position may still commit');
  await writer.query('COMMIT');
  const page = await reading;
  t.same(page.records.map((r) => r.record.name), ['test', 'traag', 'test'], 'in position order, nothing passed');
  t.same(page.records.map((r) => r.position), [...page.records.map((r) => r.position)].sort((x, y) => x - y));

  // A position taken by a transaction that rolls back is simply never there.
  await writer.query('BEGIN');
  await writer.query(`WITH v AS (INSERT INTO verwerking (trace_id, operation_id, naam, status, start_tijd, eind_tijd, verwerkingsactiviteit, verzoeker_oin)
    VALUES ('t', 'o', 'teruggedraaid', 'OK', 1, 2, 'urn:test', $1) RETURNING nr)
    INSERT INTO verwerking_betrokkene (verwerking, verzoeker_oin, betrokkene) SELECT nr, $1, decode(repeat('44', 32), 'hex') FROM v`, [R]);
  await a!.appendProcessingRecords([record('5')]);
  const after = page.records.at(-1)!.position;
  const later = b!.processingLog({ requester: R, after, limit: 10 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await writer.query('ROLLBACK');
  t.same((await later).records.map((r) => r.record.dataSubjectId), ['5'.padStart(64, '0')]);
});

t.test('the processing log of one person is found across the buckets of the per-person index, and purged with it', { skip }, async (t) => {
  const { stores: [store] } = await instances(t);
  const person = '7'.repeat(64);
  const other = (i: number) => i.toString(16).padStart(64, '0');
  // 70,000 records: more than one bucket of 65,536; the person's first and last record are in different buckets.
  await store!.appendProcessingRecords([record(person), ...Array.from({ length: 69_998 }, (_, i) => record(other(i + 1))), record(person)]);
  const found = await store!.processingLog({ requester: R, after: 0, limit: 10, dataSubjectId: person });
  t.equal(found.records.length, 2);
  t.ok(found.records[1]!.position - found.records[0]!.position >= 65_536, 'in two buckets');
  const rest = await store!.processingLog({ requester: R, after: found.records[0]!.position, limit: 10, dataSubjectId: person });
  t.same(rest.records.map((r) => r.position), [found.records[1]!.position], 'from a cursor in the first bucket');
  const result = await store!.runMaintenance({ today: '2026-01-01', now: 10_000, purgeClosedBefore: 0, purgeLogBefore: 3000, purgeWithdrawnOptOutsBefore: 0 });
  t.equal(result.logRecordsRemoved, 70_000, 'retention removes the operation and all its subjects');
  t.same((await store!.processingLog({ requester: R, after: 0, limit: 10, dataSubjectId: person })).records, []);
});
