import t from 'tap';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { SQLITE_MIGRATIONS } from '../../../src/store/sqlite/migrations.js';
import { openStore } from '../../../src/store/open-store.js';
import { ConfigurationError } from '../../../src/errors.js';

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

t.test('database URLs', async (t) => {
  const dir = t.testdir({});
  const store = openStore('sqlite:kp.db', dir);
  t.equal(store.engine, 'sqlite');
  await store.close();
  for (const url of ['sqlite:', 'mysql://x', 'postgres://user:secret@db/kp']) {
    const error = t.throws(() => openStore(url, dir)) as ConfigurationError;
    t.equal(error.setting, 'KETENPOORT_DATABASE_URL', url);
    t.notMatch(error.message, /secret/, 'no password in the message');
  }
});

t.test('bulk import of an existing opt-out register skips what is active already', async (t) => {
  const store = SqliteStore.open(':memory:');
  t.teardown(() => store.close());
  const row = (id: string, bsn: string) => ({ id, bsn, scope: '*', kanaal: 'BRIEF', geregistreerdDoor: '00000099000000000363', actorOin: null, ingang: 1 });
  t.equal(await store.importOptOuts([row('a', '999999990'), row('b', '111222333'), row('c', '999999990')]), 2);
  const found = await store.lookupOptOuts(['999999990', '111222333', '123456782'], () => []);
  t.same([...found.keys()].sort(), ['111222333', '999999990']);
});
