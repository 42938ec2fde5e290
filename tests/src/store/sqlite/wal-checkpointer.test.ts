import { statSync } from 'node:fs';
import t from 'tap';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';

t.test('the WAL is copied into the database file by the checkpointer thread, below the writer\'s own checkpoint limit', async (t) => {
  const file = `${t.testdir()}/kp.db`;
  const store = SqliteStore.open(file);
  t.teardown(() => store.close());
  const before = statSync(file).size;
  const at = new Date('2026-11-23T10:00:00Z');
  // ~20,000 records: a few MB of pages, well under the writer's 40 MB checkpoint limit.
  for (let batch = 0; batch < 4; batch++) {
    await store.appendProcessingRecords(Array.from({ length: 5_000 }, (_, i) => ({
      traceId: 'a'.repeat(32), operationId: `op-${batch}`, name: 'opt-out.opvragen', status: 'OK' as const, startTime: at, endTime: at,
      processingActivityId: 'urn:test', dataSubjectId: (batch * 5_000 + i).toString(16).padStart(64, '0'), requester: '00000099000000000363',
    })));
  }
  const wal = statSync(`${file}-wal`).size;
  t.ok(wal > 2_000_000, `the records went to the WAL first (${wal} bytes)`);
  let grown = 0;
  for (let i = 0; i < 40 && grown < 2_000_000; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    grown = statSync(file).size - before;
  }
  t.ok(grown > 2_000_000, `the database file took the pages over without the writer checkpointing (${grown} bytes)`);
  await store.close();
  await store.close(); // a second close is harmless
});
