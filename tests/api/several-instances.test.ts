import { randomUUID, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import t from 'tap';
import type { KetenpoortClient } from '../../sdk/index.js';
import { fixturePki } from '../helpers/fixture-pki.js';
import { startGatewayPair, type GatewayProcess } from '../helpers/gateway-process.js';
import { OIN, aanlevering, sdkClientOf } from '../helpers/sdk-harness.js';
import { createTestSchema, postgresSkipReason } from '../helpers/test-database.js';

// Two real gateway processes on one PostgreSQL database, as behind a load balancer: whatever a
// caller does on one instance holds on the other at once. They share the token-signing and
// pseudonym keys (as a deployment must) but not their file spools.

const BSN = '999999990';

interface Pair {
  a: GatewayProcess;
  b: GatewayProcess;
  /** A client of `party` on instance `on`. */
  client(party: string, on: 'a' | 'b', namens?: string): KetenpoortClient;
}

async function startPair(t: { teardown(fn: () => unknown): void; testdir(): string }): Promise<Pair> {
  const dir = t.testdir();
  const database = await createTestSchema();
  t.teardown(() => database.drop()); // tap runs teardowns last-registered first: after the processes stop
  const [a, b] = await startGatewayPair(t, dir, database.url);
  return {
    a, b,
    client: (party, on, namens) => sdkClientOf(t, (on === 'a' ? a : b).api, party, a.tokenAudience, {
      retry: { retries: 0 }, ...(namens ? { namens } : {}),
    }),
  };
}

t.test('two gateway instances on one PostgreSQL database', { skip: postgresSkipReason }, async (t) => {
  t.setTimeout(110_000);
  const pair = await startPair(t);

  await t.test('the same kenmerk delivered on both at once is one signal', async (t) => {
    const uwvA = pair.client('uwv', 'a');
    const uwvB = pair.client('uwv', 'b');
    for (let i = 0; i < 10; i++) {
      const body = aanlevering({ kenmerk: `TWEE-${i}` });
      const [fromA, fromB] = await Promise.all([uwvA.leverAanwijzingAan(body), uwvB.leverAanwijzingAan(body)]);
      t.equal(fromA.id, fromB.id, `TWEE-${i}: both instances answer with the one signal`);
    }
  });

  await t.test('a reader alternating between the instances, while both take deliveries, sees every signal once and in cursor order', async (t) => {
    const uwv = [pair.client('uwv', 'a'), pair.client('uwv', 'b')];
    const readers = [pair.client('amsterdam', 'a'), pair.client('amsterdam', 'b')];
    // From the head of the feed as it is now (earlier subtests delivered to it too).
    let head = await readers[0]!.haalAanwijzingenFeed({ limiet: 100 });
    while (head.aanwijzingen.length > 0) head = await readers[0]!.haalAanwijzingenFeed({ na: head.volgende, limiet: 100 });
    const start = head.volgende;
    let cursor = start;
    const delivered = new Set<string>();
    const writing = (async () => {
      for (let round = 0; round < 12; round++) {
        const batch = await Promise.all(Array.from({ length: 6 }, (_, i) =>
          uwv[i % 2]!.leverAanwijzingAan(aanlevering({ kenmerk: `STROOM-${round}-${i}` }))));
        for (const a of batch) delivered.add(a.id);
      }
    })();
    const seen: string[] = [];
    let done = false;
    void writing.then(() => { done = true; });
    for (let page = 0; page < 2000; page++) {
      const wasDone = done;
      const result = await readers[page % 2]!.haalAanwijzingenFeed({ na: cursor, limiet: 5 });
      seen.push(...result.aanwijzingen.map((a) => a.id));
      cursor = result.volgende;
      if (wasDone && result.aanwijzingen.length === 0) break;
    }
    await writing;
    t.equal(delivered.size, 72);
    t.equal(new Set(seen).size, seen.length, 'no signal twice');
    t.same([...seen].sort(), [...delivered].sort(), 'every signal delivered during the reading was seen');
    // The same feed read in one go on the other instance gives the same order.
    const again: string[] = [];
    let na = start;
    for (;;) {
      const result = await readers[1]!.haalAanwijzingenFeed({ na, limiet: 50 });
      if (result.aanwijzingen.length === 0) break;
      again.push(...result.aanwijzingen.map((a) => a.id));
      na = result.volgende;
    }
    t.same(again, seen, 'both instances give the one cursor order');
  });

  await t.test('a client assertion (jti) used on instance A is refused on instance B', async (t) => {
    const leaf = fixturePki.party('uwv');
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'PS256', typ: 'JWT' })
      .setIssuer(OIN.uwv).setSubject(OIN.uwv).setAudience(pair.a.tokenAudience).setJti(randomUUID())
      .setIssuedAt(now).setExpirationTime(now + 60).sign(createPrivateKey(readFileSync(leaf.key)));
    const token = await pair.client('uwv', 'a').vraagToken({ client_assertion: assertion });
    t.ok(token.access_token, 'A accepts it once');
    await t.rejects(pair.client('uwv', 'b').vraagToken({ client_assertion: assertion }), { status: 401, code: 'client-assertion-replayed' });
    t.equal((await pair.client('uwv', 'b').haalPartijMij()).oin, OIN.uwv, 'B accepts its own fresh assertions');
  });

  await t.test('an opt-out registered on A suppresses a delivery on B at once', async (t) => {
    const person = '111222333';
    await pair.client('svb', 'a').registreerOptOut({ burgerservicenummer: person, kanaal: 'BALIE' });
    const signal = await pair.client('uwv', 'b').leverAanwijzingAan(aanlevering({ kenmerk: 'NA-OPT-OUT', burgerservicenummer: person }));
    t.equal(signal.status, 'ONDERDRUKT');
  });

  await t.test('the opt-out changes feed: a cursor and an ETag of A mean the same on B', async (t) => {
    const vendorA = pair.client('leverancier', 'a', OIN.amsterdam);
    const vendorB = pair.client('leverancier', 'b', OIN.amsterdam);
    await vendorA.plaatsVolgindicaties({ burgerservicenummers: [BSN] });
    const head = await vendorA.haalOptOutWijzigingen();
    const cursor = head.status === 200 ? head.body.volgende : '';
    t.same(await vendorB.haalOptOutWijzigingen({ na: cursor }, { ifNoneMatch: head.etag! }), { status: 304, etag: head.etag }, 'nothing new on B either');
    // Each change shows the opt-out's state now: two opt-outs (one on each instance) are two changes.
    const some = await pair.client('svb', 'b').registreerOptOut({ burgerservicenummer: BSN, kanaal: 'TELEFOON', regelingen: ['ALGEMENE_BIJSTAND'] });
    await pair.client('svb', 'a').registreerOptOut({ burgerservicenummer: BSN, kanaal: 'BALIE' });
    const first = await vendorA.haalOptOutWijzigingen({ na: cursor, limiet: 1 });
    t.equal(first.status, 200);
    if (first.status !== 200) return;
    t.match(first.body.wijzigingen, [{ burgerservicenummer: BSN, status: 'ACTIEF', alleRegelingen: false }], 'A: the first registration (made on B)');
    const second = await vendorB.haalOptOutWijzigingen({ na: first.body.volgende, limiet: 1 });
    t.equal(second.status, 200);
    if (second.status !== 200) return;
    t.match(second.body.wijzigingen, [{ burgerservicenummer: BSN, status: 'ACTIEF', alleRegelingen: true }], 'B continues from A\'s cursor: the second (made on A)');
    await pair.client('svb', 'a').trekOptOutIn(some.id);
    const third = await vendorB.haalOptOutWijzigingen({ na: second.body.volgende }, { ifNoneMatch: second.etag! });
    t.equal(third.status, 200, 'the ETag of the earlier page no longer matches');
    if (third.status !== 200) return;
    t.match(third.body.wijzigingen, [{ burgerservicenummer: BSN, status: 'INGETROKKEN', alleRegelingen: false }], 'then the withdrawal made on A');
  });
});
