import Database from 'better-sqlite3';
import t from 'tap';
import type { ProcessingRecord } from '../../../../src/audit/processing-record.js';
import { LogGroupCommit } from '../../../../src/store/sqlite/log-group-commit.js';
import { SqliteProcessingLog } from '../../../../src/store/sqlite/sqlite-processing-log.js';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';

function record(subject: string, operationId = 'op-1'): ProcessingRecord {
  const at = new Date('2026-11-23T10:00:00Z');
  return {
    traceId: 'a'.repeat(32), operationId, name: 'opt-out.opvragen', status: 'OK', startTime: at, endTime: at,
    processingActivityId: 'urn:test', dataSubjectId: subject.repeat(64).slice(0, 64), requester: '00000099000000000363',
  };
}

/** A migrated database with the log and a group commit on it. */
async function setUp(t: { testdir(): string; teardown(fn: () => unknown): void }) {
  const file = `${t.testdir()}/kp.db`;
  await SqliteStore.open(file).close();
  const db = new Database(file);
  const log = new SqliteProcessingLog(db);
  t.teardown(() => { log.personIndex.stop(); if (db.open) db.close(); });
  const group = new LogGroupCommit(db, log);
  const subjects = () => db.prepare('SELECT count(*) FROM verwerking_betrokkene').pluck().get() as number;
  return { db, log, group, subjects };
}

t.test('the operations of one turn run and commit together, and each waits for that commit', async (t) => {
  const { group, subjects } = await setUp(t);
  let committedWhenFirstWentOn = -1;
  const resolved: string[] = [];
  const reads: number[] = [];
  const waits = [1, 2, 3].map((n) => group.run(() => { reads.push(n); return `answer ${n}`; }, (value) => [record(String(n), value)])
    .then((value) => { resolved.push(value); if (committedWhenFirstWentOn < 0) committedWhenFirstWentOn = subjects(); }));
  t.same(reads, [], 'nothing is read before the turn ends');
  t.equal(subjects(), 0, 'nor written');
  await Promise.all(waits);
  t.same(reads, [1, 2, 3], 'the reads run in order of arrival');
  t.same(resolved, ['answer 1', 'answer 2', 'answer 3'], 'each gets its own result');
  t.equal(committedWhenFirstWentOn, 3, 'when the first request goes on, all three records are committed');
  t.equal(await group.run(() => 'nothing', () => []), 'nothing', 'an operation with no records resolves too');
  t.equal(subjects(), 3);
});

t.test('a failed read fails its own request only', async (t) => {
  const { group, subjects } = await setUp(t);
  const outcomes = await Promise.allSettled([
    group.run(() => 1, () => [record('1', 'a')]),
    group.run(() => { throw new Error('read failed'); }, () => [record('2', 'b')]),
    group.run(() => 3, () => [record('3', 'c')]),
  ]);
  t.same(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  t.equal(subjects(), 2, 'the failed one logged nothing, the others are committed');
});

t.test('a failed commit fails every request of its batch and writes none of them', async (t) => {
  const { db, group, subjects } = await setUp(t);
  db.prepare("CREATE TEMP TRIGGER refuse BEFORE INSERT ON verwerking_betrokkene WHEN (SELECT count(*) FROM verwerking_betrokkene) >= 1 BEGIN SELECT RAISE(ABORT, 'disk full'); END").run();
  const outcomes = await Promise.allSettled([group.run(() => 1, () => [record('1', 'a')]), group.run(() => 2, () => [record('2', 'b')])]);
  t.same(outcomes.map((o) => o.status), ['rejected', 'rejected'], 'both requests fail');
  t.equal(subjects(), 0, 'and neither record is kept');
  await group.run(() => 3, () => [record('3', 'c')]);
  t.equal(subjects(), 1, 'the next batch is written');
});

t.test('flush commits what is pending at once (the store closing); after the close a request is refused as unavailable', async (t) => {
  const { db, group, subjects } = await setUp(t);
  const waiting = group.run(() => 9, () => [record('9')]);
  group.flush();
  t.equal(subjects(), 1);
  t.equal(await waiting, 9);
  db.close();
  await t.rejects(group.run(() => 1, () => [record('1')]), { code: 'service-unavailable', status: 503 });
});
