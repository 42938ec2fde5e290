import { statSync } from 'node:fs';
import t from 'tap';
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';

const AANLEVERING = '019a9a8e-5f3b-7c2d-9e4f-0123456789ab';
const row = (n: number) => ({
  id: `019a9a8e-0000-7000-8000-${String(n).padStart(12, '0')}`, aanleveraarOin: '00000099000000000101', kenmerk: `K-${n}`, inhoudHash: 'ab'.repeat(32),
  ontvangerOin: '00000099000000000363', soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', gemeentecode: '0363', redenCode: 'X', bsn: '999999990',
  inhoud: 'x'.repeat(600), ondertekening: null, geldigTot: '2099-12-31', status: 'AANGEBODEN' as const, uitkomst: null, toelichting: null,
  teruggekoppeld: null, intrekkingsreden: null, vervangt: null, vervangenDoor: null, aangeboden: 1, gewijzigd: 1,
});

async function waitForGrowth(file: string, before: number): Promise<number> {
  let grown = 0;
  for (let i = 0; i < 30 && grown < 2_000_000; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    grown = statSync(file).size - before;
  }
  return grown;
}

t.test('while a file is processed the WAL is copied into the database file by a checkpointer thread, below the writer\'s own limit', async (t) => {
  const file = `${t.testdir()}/kp.db`;
  const store = SqliteStore.open(file);
  t.teardown(() => store.close());
  await store.createAanlevering({ id: AANLEVERING, aanleveraarOin: '00000099000000000101', actorOin: null, digest: 'd', formaat: 'NDJSON', bestandsnaam: null, bytes: 1, ondertekening: '{}', trace: '{}', ontvangen: 1 });
  const before = statSync(file).size;
  // ~4,000 signals: a few MB of pages, well under the writer's 40 MB checkpoint limit.
  for (let batch = 0; batch < 8; batch++) {
    const lines = Array.from({ length: 500 }, (_, i) => ({ regel: batch * 500 + i + 1, insert: { row: row(batch * 500 + i), records: () => [] } }));
    await store.ingestAanleveringBatch(AANLEVERING, lines, () => ({ kind: 'geaccepteerd' }), { positie: (batch + 1) * 500, regel: (batch + 1) * 500, finished: false, now: 2 });
  }
  t.ok(statSync(`${file}-wal`).size > 2_000_000, 'the signals went to the WAL first');
  const grown = await waitForGrowth(file, before);
  t.ok(grown > 2_000_000, `the database file took the pages over without the writer checkpointing (${grown} bytes)`);
  await store.close();
  await store.close(); // a second close is harmless
});

t.test('without files there is no checkpointer: the writer\'s own checkpoint does it all', async (t) => {
  const file = `${t.testdir()}/kp.db`;
  const store = SqliteStore.open(file);
  t.teardown(() => store.close());
  const before = statSync(file).size;
  const at = new Date('2026-11-23T10:00:00Z');
  for (let batch = 0; batch < 4; batch++) {
    await store.appendProcessingRecords(Array.from({ length: 5_000 }, (_, i) => ({
      traceId: 'a'.repeat(32), operationId: `op-${batch}`, name: 'opt-out.opvragen', status: 'OK' as const, startTime: at, endTime: at,
      processingActivityId: 'urn:test', dataSubjectId: (batch * 5_000 + i).toString(16).padStart(64, '0'), requester: '00000099000000000363',
    })));
  }
  await new Promise((resolve) => setTimeout(resolve, 600));
  t.ok(statSync(`${file}-wal`).size > 2_000_000, 'the records are in the WAL');
  t.equal(statSync(file).size - before, 0, 'and stay there until the writer passes its limit');
});
