import Database from 'better-sqlite3';
import t from 'tap';
import { GROUP_COMMIT_MAX_BSNS, PAGE_SIZE, SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { SQLITE_MIGRATIONS } from '../../../src/store/sqlite/migrations.js';

t.test('migrations run once, in order, and survive a reopen', async (t) => {
  const file = `${t.testdir({})}/kp.db`;
  const first = SqliteStore.open(file);
  t.same(first.appliedMigrations(), SQLITE_MIGRATIONS.map((m) => m.version));
  await first.close();
  const extra = [...SQLITE_MIGRATIONS, { version: 999, name: 'test table', sql: 'CREATE TABLE proef (x INTEGER)' }];
  const second = SqliteStore.open(file, extra);
  t.same(second.appliedMigrations(), [...SQLITE_MIGRATIONS.map((m) => m.version), 999], 'only the new one ran');
  await second.close();
});

t.test('a new file gets pages of PAGE_SIZE; an existing file keeps its pages and still opens', async (t) => {
  const dir = t.testdir({});
  const pragmas = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return { pageSize: db.pragma('page_size', { simple: true }), journal: db.pragma('journal_mode', { simple: true }) };
    } finally {
      db.close();
    }
  };
  await SqliteStore.open(`${dir}/nieuw.db`).close();
  t.same(pragmas(`${dir}/nieuw.db`), { pageSize: PAGE_SIZE, journal: 'wal' });
  t.equal(PAGE_SIZE, 8192);

  // A store made before pages of 8 KiB: WAL mode fixes its page size, and it opens as it is.
  const old = new Database(`${dir}/oud.db`);
  old.pragma('page_size = 4096');
  old.pragma('journal_mode = WAL');
  old.exec('CREATE TABLE voorbeeld (x INTEGER)');
  old.close();
  const store = SqliteStore.open(`${dir}/oud.db`);
  t.same(store.appliedMigrations(), SQLITE_MIGRATIONS.map((m) => m.version));
  await store.close();
  t.same(pragmas(`${dir}/oud.db`), { pageSize: 4096, journal: 'wal' });
});

t.test('a failing migration leaves nothing half-applied', async (t) => {
  const file = `${t.testdir({})}/kp.db`;
  (await SqliteStore.open(file).close());
  const broken = [...SQLITE_MIGRATIONS, { version: 99, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); THIS IS NOT SQL;' }];
  t.throws(() => SqliteStore.open(file, broken));
  const store = SqliteStore.open(file);
  t.same(store.appliedMigrations(), SQLITE_MIGRATIONS.map((m) => m.version), 'version 99 not recorded');
  await store.close();
});

t.test('an assertion id is accepted once, and purged after it expires', async (t) => {
  const store = SqliteStore.open(':memory:');
  t.teardown(() => store.close());
  const expires = new Date('2026-11-22T12:05:00Z');
  t.equal(await store.consumeAssertionId('00000099000000000101', 'jti-1', expires), true);
  t.equal(await store.consumeAssertionId('00000099000000000101', 'jti-1', expires), false, 'replay refused');
  t.equal(await store.consumeAssertionId('00000099000000000102', 'jti-1', expires), true, 'another issuer may use the same jti');
  t.equal(await store.purgeExpiredAssertionIds(new Date('2026-11-22T12:00:00Z')), 0);
  t.equal(await store.purgeExpiredAssertionIds(new Date('2026-11-22T12:06:00Z')), 2);
  await t.resolves(store.ping());
});

t.test('a closed store reports unavailable', async (t) => {
  const store = SqliteStore.open(':memory:');
  await store.close();
  await t.rejects(store.ping(), { code: 'service-unavailable', status: 503 });
});

t.test('bulk import of an existing opt-out register skips what is active already', async (t) => {
  const store = SqliteStore.open(':memory:');
  t.teardown(() => store.close());
  const row = (id: string, bsn: string) => ({ id, bsn, scope: '*', kanaal: 'BRIEF', geregistreerdDoor: '00000099000000000363', actorOin: null, ingang: 1 });
  t.equal(await store.importOptOuts([row('a', '999999990'), row('b', '111222333'), row('c', '999999990')]), 2);
  const found = await store.lookupOptOuts(['999999990', '111222333', '123456782'], () => []);
  t.same([...found.keys()].sort(), ['111222333', '999999990']);
});

t.test('a look-up answers the same on both write paths, and its records are committed before it answers', async (t) => {
  const store = SqliteStore.open(':memory:');
  t.teardown(() => store.close());
  const row = (id: string, bsn: string, scope: string) => ({ id, bsn, scope, kanaal: 'BRIEF', geregistreerdDoor: '00000099000000000363', actorOin: null, ingang: 1 });
  await store.importOptOuts([row('a', '999999990', '*'), row('b', '999999990', 'TOESLAGEN'), row('c', '111222333', 'WW')]);
  const at = new Date('2026-11-23T10:00:00Z');
  const recordsOf = (bsns: readonly string[]) => () => bsns.map((bsn, i) => ({
    traceId: 'a'.repeat(32), operationId: `op-${bsns.length}`, name: 'opt-out.opvragen', status: 'OK' as const,
    startTime: at, endTime: at, processingActivityId: 'urn:test', dataSubjectId: `${bsn}${i}`.padStart(64, '0'), requester: 'A',
  }));
  const logged = async () => (await store.processingLog({ requester: 'A', after: 0, limit: 1000 })).records.length;
  // Up to GROUP_COMMIT_MAX_BSNS persons by group commit, more in a transaction of their own.
  const cases: Array<[string, string[]]> = [
    ['one person (group commit)', ['999999990']],
    ['three persons (group commit)', ['999999990', '111222333', '123456782']],
    [`${GROUP_COMMIT_MAX_BSNS + 1} persons (own transaction)`, ['999999990', '111222333', ...Array.from({ length: GROUP_COMMIT_MAX_BSNS - 1 }, (_, i) => String(200_000_000 + i))]],
  ];
  let expected = 0;
  for (const [name, bsns] of cases) {
    const found = await store.lookupOptOuts(bsns, recordsOf(bsns));
    expected += bsns.length;
    t.same(found.get('999999990')?.sort(), ['*', 'TOESLAGEN'], `${name}: both scopes of the person`);
    t.same(found.get('111222333') ?? (bsns.length === 1 ? undefined : 'missing'), bsns.length === 1 ? undefined : ['WW'], `${name}: the second person`);
    t.notOk(found.has('123456782'), `${name}: no opt-out, no entry`);
    t.equal(await logged(), expected, `${name}: every person's record is in the log when the answer comes`);
  }
});

t.test('the processing log of one person is found across the buckets of the per-person index, and purged with it', async (t) => {
  const file = `${t.testdir({})}/kp.db`;
  const store = SqliteStore.open(file);
  t.teardown(() => store.close());
  const subject = (n: number) => n.toString(16).padStart(64, '0');
  const record = (n: number, requester: string, at: string) => ({
    traceId: 'a'.repeat(32), operationId: 'b'.repeat(16), name: 'opt-out.opvragen', status: 'OK' as const,
    startTime: new Date(at), endTime: new Date(at), processingActivityId: 'urn:test', dataSubjectId: subject(n), requester,
  });
  // 150,000 records (three buckets of 65,536); person 7 appears in each bucket, once for another party.
  for (let batch = 0; batch < 15; batch++) {
    const at = batch < 5 ? '2026-01-01T00:00:00Z' : '2026-11-01T00:00:00Z';
    await store.appendProcessingRecords(Array.from({ length: 10_000 }, (_, i) => record(batch === 14 && i === 0 ? 7 : 100 + batch * 10_000 + i, 'A', at)));
    if (batch % 5 === 0) await store.appendProcessingRecords([record(7, 'A', at), record(7, 'B', at)]);
  }
  const unindexed = await store.processingLog({ requester: 'A', after: 0, limit: 100, dataSubjectId: subject(7) });
  t.equal(await store.indexProcessingLog(), 150_006, 'the per-person index follows the log');
  t.equal(await store.indexProcessingLog(), 0, 'and is then up to date');
  const page = await store.processingLog({ requester: 'A', after: 0, limit: 100, dataSubjectId: subject(7) });
  t.same(unindexed, page, 'a search before the index caught up finds the same (it scans the tail)');
  t.equal(page.records.length, 4, 'three look-ups and one batch in the last bucket, only requester A');
  const positions = page.records.map((r) => r.position);
  t.same(positions, [...positions].sort((a, b) => a - b), 'in log order');
  t.ok(positions.at(-1)! > 131_072, 'the last one is in the third bucket');
  t.ok(page.records.every((r) => r.record.dataSubjectId === subject(7) && r.record.requester === 'A'));
  const next = await store.processingLog({ requester: 'A', after: positions[1]!, limit: 100, dataSubjectId: subject(7) });
  t.same(next.records.map((r) => r.position), positions.slice(2), 'paging from a cursor in a later bucket');
  t.same((await store.processingLog({ requester: 'A', after: 0, limit: 100, dataSubjectId: subject(8) })).records, [], 'nobody else');
  await store.appendProcessingRecords([record(7, 'A', '2026-11-02T00:00:00Z')]);
  const withTail = await store.processingLog({ requester: 'A', after: 0, limit: 100, dataSubjectId: subject(7) });
  t.equal(withTail.records.length, 5, 'indexed records and a new one in the tail, together');
  t.equal(withTail.records.at(-1)!.position, 150_007);
  t.same((await store.processingLog({ requester: 'A', after: positions.at(-1)!, limit: 100, dataSubjectId: subject(7) })).records.map((r) => r.position), [150_007],
    'a cursor past the mark reads only the tail');

  const result = await store.runMaintenance({ today: '2026-11-22', now: Date.parse('2026-11-22T00:00:00Z'), purgeClosedBefore: 0, purgeLogBefore: Date.parse('2026-06-01T00:00:00Z'), purgeWithdrawnOptOutsBefore: 0 });
  t.equal(result.logRecordsRemoved, 50_002, 'the five January batches and the two extra records of batch 0');
  const after = await store.processingLog({ requester: 'A', after: 0, limit: 100, dataSubjectId: subject(7) });
  t.same(after.records.map((r) => r.position), [...positions.slice(1), 150_007], 'the January record of the person is gone');
  const db = new Database(file, { readonly: true });
  t.teardown(() => db.close());
  t.equal(db.prepare('SELECT count(*) FROM verwerking_persoon').pluck().get(), 100_004, 'the per-person index lost exactly the purged records');
});

t.test('a file batch counts feed positions in memory and stores the counter once: positions stay contiguous with single deliveries', async (t) => {
  const store = SqliteStore.open(':memory:');
  t.teardown(() => store.close());
  const id = '019a9a8e-5f3b-7c2d-9e4f-0123456789ab';
  await store.createAanlevering({ id, aanleveraarOin: '00000099000000000101', actorOin: null, digest: 'd', formaat: 'NDJSON', bestandsnaam: null, bytes: 1, ondertekening: '{}', trace: '{}', ontvangen: 1 });
  const row = (n: number) => ({
    id: `019a9a8e-0000-7000-8000-${String(n).padStart(12, '0')}`, aanleveraarOin: '00000099000000000101', kenmerk: `K-${n}`, inhoudHash: 'ab'.repeat(32),
    ontvangerOin: '00000099000000000363', soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', gemeentecode: '0363', redenCode: 'X', bsn: '999999990', inhoud: '{}',
    ondertekening: null, geldigTot: '2099-12-31', status: 'AANGEBODEN' as const, uitkomst: null, toelichting: null, teruggekoppeld: null, intrekkingsreden: null,
    vervangt: null, vervangenDoor: null, aangeboden: 1, gewijzigd: 1,
  });
  const insert = (n: number) => ({ row: row(n), records: () => [] });
  await store.insertAanwijzing(row(1), () => [], undefined);
  const lines = [{ regel: 1, insert: insert(2) }, { regel: 2, error: { code: 'line-not-json', detail: 'no' } }, { regel: 3, insert: insert(1) }, { regel: 4, insert: insert(3) }];
  const outcomes = await store.ingestAanleveringBatch(id, lines, (_line, result) => ({ kind: result.outcome === 'created' ? 'geaccepteerd' : 'alBekend' }), { positie: 10, regel: 4, finished: false, now: 2 });
  t.same(outcomes?.map((o) => o.kind), ['geaccepteerd', 'afgewezen', 'alBekend', 'geaccepteerd']);
  const after = await store.insertAanwijzing(row(4), () => [], undefined);
  t.equal(after.row?.volgnummer, 4, 'the single delivery after the batch takes the next position: the batch stored its counter');
  const page = await store.aanwijzingFeed({ ontvangerOin: '00000099000000000363', after: 0, limit: 10 }, () => []);
  t.same(page.rows.map((r) => [r.kenmerk, r.volgnummer]), [['K-1', 1], ['K-2', 2], ['K-3', 3], ['K-4', 4]], 'one position each, no gaps, in order of insertion');
});
