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
  t.teardown(() => { log.stop(); db.close(); });
  const group = new LogGroupCommit(db, log);
  const subjects = () => db.prepare('SELECT count(*) FROM verwerking_betrokkene').pluck().get() as number;
  return { db, log, group, subjects };
}

t.test('the records of requests in one turn are committed together, and each waits for that commit', async (t) => {
  const { group, subjects } = await setUp(t);
  let transactions = 0;
  const resolved: number[] = [];
  const waits = [1, 2, 3].map((n) => group.append([record(String(n), `op-${n}`)]).then(() => { resolved.push(n); transactions = subjects(); }));
  t.equal(subjects(), 0, 'nothing is written before the turn ends');
  t.same(resolved, [], 'and nobody goes on before the commit');
  await Promise.all(waits);
  t.same(resolved, [1, 2, 3]);
  t.equal(transactions, 3, 'when the first request goes on, all three records are committed');
  await group.append([]);
  t.equal(subjects(), 3, 'nothing to append is no write');
});

t.test('a failed commit fails every request of its batch and writes none of them', async (t) => {
  const { db, group, subjects } = await setUp(t);
  db.prepare("CREATE TEMP TRIGGER refuse BEFORE INSERT ON verwerking_betrokkene WHEN (SELECT count(*) FROM verwerking_betrokkene) >= 1 BEGIN SELECT RAISE(ABORT, 'disk full'); END").run();
  const outcomes = await Promise.allSettled([group.append([record('1', 'a')]), group.append([record('2', 'b')])]);
  t.same(outcomes.map((o) => o.status), ['rejected', 'rejected'], 'both requests fail');
  t.equal(subjects(), 0, 'and neither record is kept');
  await group.append([record('3', 'c')]);
  t.equal(subjects(), 1, 'the next batch is written');
});

t.test('flush commits what is pending at once (the store closing)', async (t) => {
  const { group, subjects } = await setUp(t);
  const waiting = group.append([record('9')]);
  group.flush();
  t.equal(subjects(), 1);
  await waiting;
});
