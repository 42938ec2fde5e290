import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { IndexBehind } from '../../../../src/store/sqlite/index-behind.js';

/** A table of rows, an index table kept behind it in chunks of three, and the mark in `teller`. */
function setUp(t: { teardown(fn: () => unknown): void }, timing: { delayMs?: number; behindDelayMs?: number } = {}) {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE teller (naam TEXT PRIMARY KEY, waarde INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO teller VALUES ('proef', 0);
    CREATE TABLE rij (nr INTEGER PRIMARY KEY, sleutel TEXT NOT NULL);
    CREATE TABLE rij_index (sleutel TEXT NOT NULL, nr INTEGER NOT NULL, PRIMARY KEY (sleutel, nr)) WITHOUT ROWID;`);
  const index = new IndexBehind(db, {
    counter: 'proef', chunk: 3, ...timing,
    lastSql: 'SELECT coalesce(max(nr), 0) FROM rij',
    fillSql: 'INSERT INTO rij_index (sleutel, nr) SELECT sleutel, nr FROM rij WHERE nr > ? AND nr <= ? ORDER BY 1, 2',
  });
  t.teardown(() => { index.stop(); db.close(); });
  const add = (n: number) => { for (let i = 0; i < n; i++) db.prepare('INSERT INTO rij (sleutel) VALUES (?)').run(`k${(i * 7) % 5}`); };
  const indexed = () => db.prepare('SELECT count(*) FROM rij_index').pluck().get() as number;
  return { db, index, add, indexed };
}

async function until(condition: () => boolean, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

t.test('fill covers at most a chunk after the mark, in one transaction, and says how much', async (t) => {
  const { index, add, indexed } = setUp(t);
  t.equal(index.fill(), 0, 'nothing to do on an empty table');
  add(7);
  t.equal(index.fill(), 3);
  t.equal(index.mark(), 3);
  t.equal(index.fill(10), 4, 'a larger chunk when asked');
  t.equal(indexed(), 7);
  add(5);
  t.equal(index.fillAll(), 5, 'fillAll: chunk after chunk until up to date');
  t.equal(index.mark(), 12);
  t.equal(index.fillAll(), 0);
});

t.test('a scheduled catch-up runs chunk after chunk until the index is up to date', async (t) => {
  const { index, add, indexed } = setUp(t, { delayMs: 5, behindDelayMs: 1 });
  add(8);
  index.schedule();
  index.schedule(); // a second call while one is pending changes nothing
  t.ok(await until(() => index.mark() === 8), 'three chunks (3, 3, 2) follow each other');
  t.equal(indexed(), 8);
});

t.test('after stop nothing more is added: the rest follows at the next open', async (t) => {
  const { index, add } = setUp(t, { delayMs: 1, behindDelayMs: 1 });
  add(2);
  index.schedule();
  index.stop();
  index.schedule();
  await sleep(30);
  t.equal(index.mark(), 0);
});
