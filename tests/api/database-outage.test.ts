import { readFileSync } from 'node:fs';
import t from 'tap';
import { Agent, request } from 'undici';
import { createPostgresCluster } from '../../scripts/postgres-cluster.js';
import { fixturePki } from '../helpers/fixture-pki.js';
import { gatewayEnvironment, startGatewayPair, startGatewayProcess } from '../helpers/gateway-process.js';
import { aanlevering, recorder, sdkClientOf } from '../helpers/sdk-harness.js';
import { postgresSkipReason, queryNumber } from '../helpers/test-database.js';

// The database goes away under a running gateway process (a cluster of this test's own, stopped
// with a fast shutdown as in a failover) and comes back: callers get 503 problem+json with
// Retry-After meanwhile, nothing is half-written, and the gateway recovers without a restart.

t.test('PostgreSQL stops and starts under a running gateway', { skip: postgresSkipReason }, async (t) => {
  t.setTimeout(110_000);
  const cluster = await createPostgresCluster({ maxConnections: 50 });
  t.teardown(() => cluster.destroy());
  const gateway = await startGatewayProcess(t, await gatewayEnvironment(t, t.testdir({}), cluster.url));
  t.teardown(() => gateway.stop());
  const uwv = sdkClientOf(t, gateway.api, 'uwv', gateway.tokenAudience, { retry: { retries: 0 } });
  const amsterdam = sdkClientOf(t, gateway.api, 'amsterdam', gateway.tokenAudience, { retry: { retries: 0 } });
  const token = (await amsterdam.vraagToken()).access_token;
  await amsterdam.haalAanwijzingenFeed(); // both clients hold a token before the outage
  await uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'VOOR' }));

  // Deliveries in flight while the database stops: each is either stored whole or refused.
  const outcomes = new Map<string, number | string>();
  const inFlight = Array.from({ length: 20 }, (_, i) => `TIJDENS-${i}`).map((kenmerk) =>
    uwv.leverAanwijzingAan(aanlevering({ kenmerk })).then(
      () => outcomes.set(kenmerk, 201),
      (error: { status?: number; code?: string }) => outcomes.set(kenmerk, error.status ?? error.code ?? 'error')));
  cluster.stop();
  await Promise.all(inFlight);
  t.ok([...outcomes.values()].every((s) => s === 201 || s === 503), `each in-flight delivery was stored or refused with 503 (${[...new Set(outcomes.values())].join(', ')})`);

  const leaf = fixturePki.party('amsterdam');
  const agent = new Agent({ connect: { ca: readFileSync(fixturePki.trustAnchors), cert: readFileSync(leaf.chain), key: readFileSync(leaf.key) } });
  t.teardown(() => agent.close());
  const down = await request(`${gateway.api}/v1/opt-outs/_zoek`, {
    dispatcher: agent, method: 'POST', body: JSON.stringify({ burgerservicenummers: ['999999990'] }),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  const problem = await down.body.json() as { status: number; type: string; detail: string };
  t.equal(down.statusCode, 503, 'while the database is away');
  t.match(down.headers['content-type'], /^application\/problem\+json/);
  t.match(down.headers['retry-after'], /^\d+$/, 'with Retry-After');
  t.match(problem, { status: 503, type: 'urn:nld:ketenpoort:probleem:service-unavailable' });
  t.notMatch(problem.detail, /ECONNREFUSED|127\.0\.0\.1|postgres/i, 'no internals in the answer');

  cluster.start();
  let back: number | undefined;
  for (let i = 0; i < 50 && back !== 200; i++) {
    const response = await request(`${gateway.api}/v1/opt-outs/_zoek`, {
      dispatcher: agent, method: 'POST', body: JSON.stringify({ burgerservicenummers: ['999999990'] }),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    await response.body.arrayBuffer();
    back = response.statusCode;
    if (back !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  t.equal(back, 200, 'the gateway answers again without a restart');

  // Nothing half-written: what was acknowledged exists once, what was refused does not exist.
  const feed = new Set<string>();
  for (let na: string | undefined; ;) {
    const page = await amsterdam.haalAanwijzingenFeed(na === undefined ? { limiet: 100 } : { na, limiet: 100 });
    if (page.aanwijzingen.length === 0) break;
    for (const a of page.aanwijzingen) feed.add(a.kenmerk);
    na = page.volgende;
  }
  const stored = [...outcomes].filter(([, s]) => s === 201).map(([k]) => k);
  t.same([...feed].sort(), ['VOOR', ...stored].sort(), 'the feed holds exactly the acknowledged signals');
  for (const [kenmerk, status] of outcomes) {
    if (status === 201) continue;
    const again = await uwv.leverAanwijzingAan(aanlevering({ kenmerk }));
    t.equal(again.kenmerk, kenmerk, `${kenmerk}, refused during the outage, can be delivered now`);
  }
});

t.test('two instances under concurrent load while the database restarts: every signal sent is stored exactly once', { skip: postgresSkipReason }, async (t) => {
  t.setTimeout(110_000);
  const cluster = await createPostgresCluster({ maxConnections: 50 });
  t.teardown(() => cluster.destroy());
  const dir = t.testdir({});
  const [a, b] = await startGatewayPair(t, dir, cluster.url);
  // As a sender would: retries on 503 honouring Retry-After (capped short here); a delivery is idempotent by kenmerk.
  const retry = { retries: 40, baseDelayMs: 50, maxDelayMs: 300 };
  const attempts = recorder();
  const senders = [a, b].map((g) => sdkClientOf(t, g.api, 'uwv', a.tokenAudience, { retry, observer: attempts.observer }));
  await Promise.all(senders.map((s) => s.haalPartijMij())); // tokens before the restart

  const TOTAL = 240;
  const kenmerken = Array.from({ length: TOTAL }, (_, i) => `LAST-${i}`);
  let sent = 0;
  let restarted: Promise<void> | undefined;
  const worker = async (w: number) => {
    for (let i = w; i < TOTAL; i += 8) {
      await senders[i % 2]!.leverAanwijzingAan(aanlevering({ kenmerk: kenmerken[i]!, burgerservicenummer: '999999990' }));
      sent += 1;
      if (sent === TOTAL / 3 && !restarted) {
        restarted = (async () => {
          cluster.stop();
          await new Promise((resolve) => setTimeout(resolve, 1000));
          cluster.start();
        })();
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
  await restarted;
  t.ok(restarted, 'the database was restarted in the middle');
  t.equal(sent, TOTAL, 'every delivery was acknowledged in the end');
  const refused = attempts.events.filter((e) => e.operationId === 'leverAanwijzingAan' && e.status === 503).length;
  t.ok(refused > 0, `deliveries met the restart: ${refused} attempts answered 503 and were retried`);
  t.equal(await queryNumber(cluster.url, 'SELECT count(*) FROM aanwijzing'), TOTAL, 'stored: as many signals as were sent');
  t.equal(await queryNumber(cluster.url, "SELECT count(DISTINCT kenmerk) FROM aanwijzing WHERE kenmerk LIKE 'LAST-%'"), TOTAL, 'each once');
  t.equal(await queryNumber(cluster.url, 'SELECT count(DISTINCT volgnummer) FROM aanwijzing'), TOTAL, 'each at a position of its own');
});
