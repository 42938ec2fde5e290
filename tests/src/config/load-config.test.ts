import path from 'node:path';
import t from 'tap';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigurationError } from '../../../src/errors.js';

t.test('defaults give a working development configuration, frozen', async (t) => {
  const config = loadConfig({}, '/srv/kp');
  t.equal(config.mode, 'development');
  t.equal(config.api.port, 8443);
  t.equal(config.ops.host, '127.0.0.1');
  t.equal(config.ops.port, 8080);
  t.equal(config.tls.certFile, path.resolve('/srv/kp', 'certs/dev/server/gateway.crt.pem'));
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.api), 'frozen');
  t.throws(() => { (config.api as { port: number }).port = 1; });
});

t.test('values are parsed and validated, and errors name the variable', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ KETENPOORT_PORT: 'abc' }, 'KETENPOORT_PORT'],
    [{ KETENPOORT_PORT: '70000' }, 'KETENPOORT_PORT'],
    [{ KETENPOORT_MODE: 'staging' }, 'KETENPOORT_MODE'],
    [{ KETENPOORT_PUBLIC_URL: 'http://example.org' }, 'KETENPOORT_PUBLIC_URL'],
    [{ KETENPOORT_TOKEN_TTL: '5' }, 'KETENPOORT_TOKEN_TTL'],
    [{ KETENPOORT_LOG_LEVEL: 'loud' }, 'KETENPOORT_LOG_LEVEL'],
    [{ KETENPOORT_TLS_MIN_VERSION: 'TLSv1.1' }, 'KETENPOORT_TLS_MIN_VERSION'],
    [{ KETENPOORT_MODE: 'production' }, 'KETENPOORT_PUBLIC_URL'],
    [{ KETENPOORT_MODE: 'production', KETENPOORT_PUBLIC_URL: 'https://kp.example.nl' }, 'KETENPOORT_TLS_CERT'],
  ];
  for (const [env, setting] of cases) {
    const error = t.throws(() => loadConfig(env)) as ConfigurationError;
    t.equal(error.setting, setting, `${JSON.stringify(env)} names ${setting}`);
    t.ok(error instanceof ConfigurationError);
  }
});

t.test('a complete production configuration loads', async (t) => {
  const config = loadConfig({
    KETENPOORT_MODE: 'production', KETENPOORT_TLS_CERT: 'a', KETENPOORT_TLS_KEY: 'b', KETENPOORT_TLS_CA: 'c',
    KETENPOORT_TLS_CRL: 'd', KETENPOORT_PARTIES: 'e', KETENPOORT_TOKEN_KEY: 'f', KETENPOORT_PSEUDONYM_KEY: 'g',
    KETENPOORT_PUBLIC_URL: 'https://ketenpoort.example.nl', KETENPOORT_DATABASE_URL: 'sqlite:/var/lib/kp.db', KETENPOORT_RATE_LIMIT: '0',
  }, '/etc/kp');
  t.equal(config.mode, 'production');
  t.equal(config.rateLimit.max, 0);
  t.equal(config.partiesFile, '/etc/kp/e');
});
