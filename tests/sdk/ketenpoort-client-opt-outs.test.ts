import t from 'tap';
import type { OptOutWijziging } from '../../sdk/index.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { OIN, sdkClient } from '../helpers/sdk-harness.js';

const BSN = '999999990';
const OTHER = '111222333';

t.test('the joint register: register (idempotent), read, look up, withdraw', async (t) => {
  const gateway = await startTestGateway(t);
  const svb = sdkClient(t, gateway, 'svb');
  const amsterdam = sdkClient(t, gateway, 'amsterdam');
  const registered = await svb.registreerOptOut({ burgerservicenummer: BSN, kanaal: 'BALIE', regelingen: ['ALGEMENE_BIJSTAND'] });
  t.match(registered, { status: 'ACTIEF', alleRegelingen: false, regelingen: ['ALGEMENE_BIJSTAND'], geregistreerdDoor: { oin: OIN.svb } });
  t.equal((await amsterdam.registreerOptOut({ burgerservicenummer: BSN, kanaal: 'DIGITAAL', regelingen: ['ALGEMENE_BIJSTAND'] })).id, registered.id,
    'what is active is returned');
  t.equal((await svb.haalOptOut(registered.id)).id, registered.id);

  const found = await amsterdam.zoekOptOuts({ burgerservicenummers: [BSN, OTHER], regeling: 'ALGEMENE_BIJSTAND' });
  t.same(found.resultaten.map((r) => [r.burgerservicenummer, r.optOut]), [[BSN, true], [OTHER, false]], 'in the order asked');

  const withdrawn = await amsterdam.trekOptOutIn(registered.id);
  t.match(withdrawn, { status: 'INGETROKKEN', ingetrokkenDoor: { oin: OIN.amsterdam } });
  t.equal((await amsterdam.trekOptOutIn(registered.id)).status, 'INGETROKKEN', 'withdrawing again changes nothing');
  await t.rejects(sdkClient(t, gateway, 'leverancier').registreerOptOut({ burgerservicenummer: BSN, kanaal: 'BALIE' }),
    { status: 403, code: 'insufficient-scope' });
});

t.test('a vendor follows BSNs for Amsterdam: one page with ETag/304, then the feed with long poll, resumed from its cursor', async (t) => {
  const gateway = await startTestGateway(t);
  const svb = sdkClient(t, gateway, 'svb');
  const vendor = sdkClient(t, gateway, 'leverancier', { namens: OIN.amsterdam });
  t.same(await vendor.plaatsVolgindicaties({ burgerservicenummers: [BSN, BSN, OTHER] }), { aantal: 2, gewijzigd: 2 });
  t.same(await vendor.plaatsVolgindicaties({ burgerservicenummers: [BSN] }), { aantal: 1, gewijzigd: 0 }, 'idempotent');

  const first = await vendor.haalOptOutWijzigingen();
  t.equal(first.status, 200);
  t.match(first.etag, /^"[A-Za-z0-9_-]+"$/);
  const volgende = first.status === 200 ? first.body.volgende : '';
  const unchanged = await vendor.haalOptOutWijzigingen({ na: volgende }, { ifNoneMatch: first.etag! });
  t.same(unchanged, { status: 304, etag: first.etag }, 'nothing new: 304');

  // Follow with long poll; a change arrives while the request is held open.
  const controller = new AbortController();
  const feed = vendor.optOutWijzigingenFeed({ na: volgende, follow: true, wacht: 10, signal: controller.signal });
  const seen: OptOutWijziging[] = [];
  const started = Date.now();
  const following = (async () => {
    for await (const change of feed) {
      seen.push(change);
      controller.abort();
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const registered = await svb.registreerOptOut({ burgerservicenummer: BSN, kanaal: 'TELEFOON' });
  await following;
  t.ok(Date.now() - started < 5000, 'the long poll answered when the change came');
  t.match(seen, [{ burgerservicenummer: BSN, status: 'ACTIEF', alleRegelingen: true }]);
  t.not(feed.cursor, volgende, 'the cursor moved past the change');
  t.ok(feed.etag);

  // A restart: resume from the saved cursor and ETag; nothing new is a 304 and the feed ends.
  const saved = { na: feed.cursor!, etag: feed.etag! };
  const quiet = vendor.optOutWijzigingenFeed(saved);
  for await (const change of quiet) t.fail(`nothing expected, got ${change.status}`);
  t.equal(quiet.cursor, saved.na);

  await svb.trekOptOutIn(registered.id);
  const resumed = vendor.optOutWijzigingenFeed(saved);
  const after: string[] = [];
  for await (const change of resumed) after.push(`${change.burgerservicenummer}:${change.status}`);
  t.same(after, [`${BSN}:INGETROKKEN`]);

  t.same(await vendor.verwijderVolgindicaties({ burgerservicenummers: [BSN, OTHER] }), { aantal: 2, gewijzigd: 2 });
  await svb.registreerOptOut({ burgerservicenummer: BSN, kanaal: 'BALIE' });
  const unfollowed = [];
  for await (const change of vendor.optOutWijzigingenFeed({ na: resumed.cursor! })) unfollowed.push(change);
  t.same(unfollowed, [], 'no longer followed: not shown');

  await t.rejects(vendor.haalOptOutWijzigingen({ na: 'AAAA' }), { status: 400, code: 'invalid-input', invalidParams: [{ name: 'na', code: 'cursor' }] });
});

t.test('a follower aborted while its long poll is held ends quietly', async (t) => {
  const gateway = await startTestGateway(t);
  const amsterdam = sdkClient(t, gateway, 'amsterdam');
  await amsterdam.plaatsVolgindicaties({ burgerservicenummers: [BSN] });
  const started = Date.now();
  const feed = amsterdam.optOutWijzigingenFeed({ follow: true, wacht: 30, signal: AbortSignal.timeout(500) });
  for await (const change of feed) t.fail(`nothing expected, got ${change.status}`);
  const took = Date.now() - started;
  t.ok(took >= 400 && took < 5000, `ended when aborted (${took} ms), not after the 30 s wait`);
  t.equal(feed.cursor, undefined, 'no page arrived before the abort, so there is no cursor to save');
});
