import { createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { SignJWT, importPKCS8, UnsecuredJWT } from 'jose';
import { AccessTokens } from '../../../src/security/access-tokens.js';
import { FixedClock } from '../../../src/security/clock.js';
import { loadTokenSigningKey } from '../../../src/security/token-signing-key.js';
import { fixturePki } from '../../helpers/fixture-pki.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const TOKEN_URL = 'https://localhost:8443/v1/oauth/token';

async function postToken(gateway: TestGateway, party: string, fields: Record<string, string>) {
  return gateway.client(party).call('POST', '/v1/oauth/token', { headers: FORM, body: new URLSearchParams(fields).toString() });
}

async function assertion(party: string, claims: Record<string, unknown>, options: { alg?: string; exp?: number; now?: number } = {}) {
  const oin = { uwv: '00000099000000000101', svb: '00000099000000000102' }[party]!;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const key = await importPKCS8(readFileSync(fixturePki.party(party).key, 'utf8'), options.alg ?? 'PS256');
  return new SignJWT({ jti: randomUUID(), iss: oin, sub: oin, aud: TOKEN_URL, iat: now, exp: options.exp ?? now + 120, ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'PS256' })
    .sign(key);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

t.test('tls_client_auth: a token bound to the certificate, then who am I', async (t) => {
  const gateway = await startTestGateway(t);
  const response = await postToken(gateway, 'uwv', { grant_type: 'client_credentials', client_id: '00000099000000000101' });
  t.equal(response.status, 200);
  t.match(response.json, { token_type: 'Bearer', expires_in: 600, scope: /aanwijzingen\.aanleveren/ });
  t.equal(response.headers['cache-control'], 'no-store');
  const me = await gateway.client('uwv').call('GET', '/v1/partijen/mij', { headers: bearer(response.json.access_token) });
  t.equal(me.status, 200);
  t.match(me.json, { oin: '00000099000000000101', naam: 'UWV (test)', rollen: ['aanleveraar', 'opt-out-registrar'] });
  t.ok(me.json.scopes.includes('partij.lezen'));
  t.match(me.json.certificaat.onderwerp, /serialNumber=00000099000000000101/);
  t.equal(me.json.namens, undefined);
});

t.test('private_key_jwt: PS256 and ES256-free RS256 assertions by the registered key', async (t) => {
  const gateway = await startTestGateway(t);
  for (const alg of ['PS256', 'RS256']) {
    const response = await postToken(gateway, 'uwv', {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion('uwv', {}, { alg }),
    });
    t.equal(response.status, 200, `${alg} accepted`);
  }
});

t.test('client assertions that must be refused', async (t) => {
  const gateway = await startTestGateway(t);
  const form = (client_assertion: string) => ({
    grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion,
  });
  const now = Math.floor(Date.now() / 1000);
  const replayed = await assertion('uwv', {});
  t.equal((await postToken(gateway, 'uwv', form(replayed))).status, 200, 'first use');
  const cases: Array<[string, string, string, string]> = [
    ['replayed jti', 'uwv', replayed, 'client-assertion-replayed'],
    ['wrong aud', 'uwv', await assertion('uwv', { aud: 'https://elders.example/token' }), 'client-assertion-invalid'],
    ['exp too far ahead', 'uwv', await assertion('uwv', {}, { exp: now + 3600 }), 'client-assertion-invalid'],
    ['expired', 'uwv', await assertion('uwv', {}, { now: now - 600, exp: now - 300 }), 'client-assertion-invalid'],
    ['signed by another party (svb) over uwv\'s connection', 'uwv', await assertion('svb', {}), 'client-assertion-invalid'],
    ['alg none', 'uwv', new UnsecuredJWT({ jti: 'x' }).setIssuer('00000099000000000101').setSubject('00000099000000000101').setAudience(TOKEN_URL).setExpirationTime(now + 60).encode(), 'client-assertion-invalid'],
    ['not a JWT', 'uwv', 'garbage', 'client-assertion-invalid'],
  ];
  for (const [name, party, jwt, code] of cases) {
    const response = await postToken(gateway, party, form(jwt));
    t.equal(response.status, 401, `${name}: 401`);
    t.equal(response.json.type, `urn:nld:ketenpoort:probleem:${code}`, `${name}: ${code}`);
    t.equal(response.json.error, 'invalid_client', `${name}: RFC 6749 error`);
  }
  const mismatch = await postToken(gateway, 'uwv', { grant_type: 'client_credentials', client_id: '00000099000000000102' });
  t.equal(mismatch.json.type, 'urn:nld:ketenpoort:probleem:client-mismatch', 'client_id of another party');
  const nothing = await postToken(gateway, 'uwv', { grant_type: 'client_credentials' });
  t.equal(nothing.status, 400, 'neither client_id nor assertion');
});

t.test('a vendor acts for a municipality only under a delegation', async (t) => {
  const gateway = await startTestGateway(t);
  const ok = await postToken(gateway, 'leverancier', { grant_type: 'client_credentials', client_id: '00000099000000000801', namens: '00000099000000000363' });
  t.equal(ok.status, 200);
  const me = await gateway.client('leverancier').call('GET', '/v1/partijen/mij', { headers: bearer(ok.json.access_token) });
  t.match(me.json, { oin: '00000099000000000801', namens: { oin: '00000099000000000363', naam: 'Gemeente Amsterdam (test)' } });
  t.ok(me.json.scopes.includes('aanwijzingen.ontvangen'));
  const refused = await postToken(gateway, 'leverancier', { grant_type: 'client_credentials', client_id: '00000099000000000801', namens: '00000099000000000546' });
  t.equal(refused.status, 403);
  t.equal(refused.json.type, 'urn:nld:ketenpoort:probleem:no-delegation');
});

t.test('resource calls refuse bad tokens with 401 + WWW-Authenticate, and missing scope with 403', async (t) => {
  const gateway = await startTestGateway(t);
  const uwv = gateway.client('uwv');
  const good = await uwv.token();
  const gatewayKey = readFileSync(gateway.tokenKeyFile, 'utf8');
  const publicPem = createPublicKey(gatewayKey).export({ type: 'spki', format: 'pem' }) as string;
  const [header, payload] = good.split('.');
  const hs256 = await new SignJWT(JSON.parse(Buffer.from(payload!, 'base64url').toString()))
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(new TextEncoder().encode(publicPem));
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
  const otherAudience = await (await AccessTokens.create(gatewayKey, {
    issuer: 'https://localhost:8443', audience: 'https://elders.example/v1', ttlSeconds: 600, cacheSize: 0, clock: gateway.clock,
  })).issue({ subject: '00000099000000000101', clientId: '00000099000000000101', scopes: ['partij.lezen'], thumbprint: 'x' });
  const narrow = await uwv.token({ grant_type: 'client_credentials', client_id: '00000099000000000101', scope: 'verwerkingen.lezen' });
  const svbToken = await gateway.client('svb').token();
  t.ok(header);

  const cases: Array<[string, Record<string, string>, string, number, string]> = [
    ['no token', {}, '/v1/partijen/mij', 401, 'token-missing'],
    ['not Bearer', { authorization: `Basic ${good}` }, '/v1/partijen/mij', 401, 'token-invalid'],
    ['alg none', bearer(none), '/v1/partijen/mij', 401, 'token-invalid'],
    ['HS256 with the public key as secret', bearer(hs256), '/v1/partijen/mij', 401, 'token-invalid'],
    ['wrong aud', bearer(otherAudience.token), '/v1/partijen/mij', 401, 'token-invalid'],
    ['tampered payload', bearer(`${header}.${Buffer.from('{"sub":"x"}').toString('base64url')}.${good.split('.')[2]}`), '/v1/partijen/mij', 401, 'token-invalid'],
    ['token of another certificate', bearer(svbToken), '/v1/partijen/mij', 401, 'token-not-bound'],
    ['token in the query string', bearer(good), `/v1/partijen/mij?access_token=${good}`, 401, 'token-in-query'],
    ['lacking the scope', bearer(narrow), '/v1/partijen/mij', 403, 'insufficient-scope'],
  ];
  for (const [name, headers, path, status, code] of cases) {
    const response = await uwv.call('GET', path, { headers });
    t.equal(response.status, status, `${name}: ${status}`);
    t.equal(response.json?.type, `urn:nld:ketenpoort:probleem:${code}`, `${name}: ${code}`);
    t.match(response.headers['www-authenticate'], /^Bearer realm="ketenpoort"/, `${name}: WWW-Authenticate`);
  }
  t.equal((await uwv.call('GET', '/v1/partijen/mij', { headers: bearer(good) })).status, 200, 'the good token still works');

  gateway.clock.advance(601);
  const expired = await uwv.call('GET', '/v1/partijen/mij', { headers: bearer(good) });
  t.equal(expired.json.type, 'urn:nld:ketenpoort:probleem:token-expired', 'expired, even though it was cached');

  const logs = gateway.logs.join('');
  for (const token of [good, narrow, svbToken, hs256]) t.notOk(logs.includes(token), 'no token in the logs');
  t.notMatch(logs, /eyJ[A-Za-z0-9_-]{10,}\./, 'nothing JWT-shaped in the logs');
});

t.test('a token is bound to one certificate, not just to an OIN', async (t) => {
  const { issueCertificate } = await import('../../../src/pki/test-pki.js');
  const dir = t.testdir({});
  await issueCertificate({ pkiDir: fixturePki.root, oin: '00000099000000000101', naam: 'UWV (test)', outDir: dir });
  const gateway = await startTestGateway(t);
  const token = await gateway.client('uwv').token();
  const second = gateway.clientWith({ chain: `${dir}/chain.pem`, key: `${dir}/key.pem` });
  const response = await second.call('GET', '/v1/partijen/mij', { headers: bearer(token) });
  t.equal(response.json.type, 'urn:nld:ketenpoort:probleem:token-not-bound');
});

/** A token service with a frozen clock and a cache of `cacheSize` tokens (its key in `dir`), and one token it issued. */
async function tokenService(dir: string, cacheSize: number) {
  const clock = new FixedClock('2026-11-22T12:00:00Z');
  const key = loadTokenSigningKey(`${dir}/k.pem`, { mayCreate: true });
  const tokens = await AccessTokens.create(key, { issuer: 'https://i', audience: 'https://a', ttlSeconds: 60, cacheSize, clock });
  const { token } = await tokens.issue({ subject: 's', clientId: 's', scopes: ['partij.lezen'], thumbprint: 't' });
  return { clock, tokens, token };
}

t.test('verified tokens are cached: a second use does not verify the signature again', async (t) => {
  const { clock, tokens, token } = await tokenService(t.testdir({}), 2);
  const first = await tokens.verify(token);
  t.equal(await tokens.verify(token), first, 'the same verified object: served from the cache');
  for (let i = 0; i < 3; i++) await tokens.verify((await tokens.issue({ subject: `s${i}`, clientId: 's', scopes: [], thumbprint: 't' })).token);
  t.not(await tokens.verify(token), first, 'evicted by newer tokens: the cache is bounded');
  clock.advance(61);
  await t.rejects(tokens.verify(token), { code: 'token-expired' });
});

t.test('verifyCached answers without waiting for a token verified before, and only then', async (t) => {
  const { clock, tokens, token } = await tokenService(t.testdir({}), 2);
  t.equal(tokens.verifyCached(token), undefined, 'never verified: not in the cache');
  t.equal(tokens.verifyCached('not.a.token'), undefined, 'a bad token is never in the cache (verify refuses it)');
  const verified = await tokens.verify(token);
  t.equal(tokens.verifyCached(token), verified, 'verified: the same object, synchronously');
  clock.advance(61);
  t.throws(() => tokens.verifyCached(token), { code: 'token-expired' });
  t.equal(tokens.verifyCached(token), undefined, 'an expired token leaves the cache');
  const uncached = await tokenService(t.testdir({}), 0);
  await uncached.tokens.verify(uncached.token);
  t.equal(uncached.tokens.verifyCached(uncached.token), undefined, 'no cache: always undefined');
});
