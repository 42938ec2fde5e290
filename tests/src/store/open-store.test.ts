import t from 'tap';
import type { ConfigurationError } from '../../../src/errors.js';
import { maskPassword, openStore } from '../../../src/store/open-store.js';

t.test('a sqlite: URL opens the embedded store relative to the working folder', async (t) => {
  const dir = t.testdir({});
  const store = await openStore('sqlite:kp.db', dir);
  t.teardown(() => store.close());
  t.equal(store.engine, 'sqlite');
});

t.test('a URL that cannot be opened is a configuration error naming the setting, without the password', async (t) => {
  const dir = t.testdir({});
  // Port 1 on loopback: refused at once, no network beyond this machine.
  for (const [url, reason] of [
    ['sqlite:', /needs a file path/],
    ['mysql://x', /unsupported database URL scheme/],
    ['postgres://user:secret@127.0.0.1:1/kp', /cannot open the PostgreSQL database postgres:\/\/user:\*\*\*@127\.0\.0\.1:1\/kp: ECONNREFUSED/],
  ] as const) {
    const error = await openStore(url, dir).then(() => undefined, (e: unknown) => e as ConfigurationError);
    t.equal(error?.setting, 'KETENPOORT_DATABASE_URL', url);
    t.match(error?.message, reason, url);
    t.notMatch(error?.message, /secret/, 'no password in the message');
  }
});

t.test('passwords are masked in database URLs', async (t) => {
  t.equal(maskPassword('postgres://kp:s3cr:et@db:5432/kp?sslmode=require'), 'postgres://kp:***@db:5432/kp?sslmode=require');
  t.equal(maskPassword('postgres://kp@db/kp'), 'postgres://kp@db/kp');
  t.equal(maskPassword('sqlite:data/kp.db'), 'sqlite:data/kp.db');
});
