import t from 'tap';
import { buildPartyRegistry } from '../../../src/config/party-registry-file.js';
import { buildRegelingen } from '../../../src/config/regelingen-file.js';
import { Pseudonymiser } from '../../../src/audit/pseudonymiser.js';
import { AanwijzingService } from '../../../src/domain/aanwijzingen/aanwijzing-service.js';
import type { AanwijzingAanlevering } from '../../../src/domain/aanwijzingen/aanwijzing-checks.js';
import { feedbackStatistics } from '../../../src/domain/aanwijzingen/feedback-statistics.js';
import { runMaintenance } from '../../../src/domain/maintenance.js';
import { FixedClock } from '../../../src/security/clock.js';
import { openTestStore } from '../../helpers/test-database.js';

const registry = buildPartyRegistry({
  partijen: [
    { id: 'uwv', oin: '00000099000000000101', naam: 'UWV', rollen: ['aanleveraar'] },
    { id: 'amsterdam', oin: '00000099000000000363', naam: 'Amsterdam', rollen: ['ontvanger'], ontvangt: [{ gemeentecodes: ['0363'], regelingen: ['ALGEMENE_BIJSTAND'] }] },
  ],
}, { production: false, baseDir: '.' });
const regelingen = buildRegelingen({ regelingen: { ALGEMENE_BIJSTAND: { gegevens: [], verwerkingsactiviteit: 'urn:test:bijstand' } } });
const party = (id: string) => registry.parties.find((p) => p.id === id)!;

async function setup(t: { teardown(fn: () => unknown): void; testdir(): string }) {
  const store = await openTestStore(t, t.testdir());
  const clock = new FixedClock('2026-11-22T10:00:00Z');
  const service = new AanwijzingService({
    store, registry, regelingen, clock, pseudonymiser: new Pseudonymiser(Buffer.alloc(32, 1)),
    signatures: { verify: async () => ({ certificate: 'PEM' }) },
  });
  const ctx = (id: string) => ({ requester: party(id), traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', startTime: clock.now() });
  const deliver = async (kenmerk: string, over: Partial<AanwijzingAanlevering> = {}) => {
    const input: AanwijzingAanlevering = {
      kenmerk, soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: '999999990', gemeentecode: '0363',
      aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['C1'], toelichting: 'x' }, geldigTot: '2026-12-31', ...over,
    };
    return (await service.deliver(ctx('uwv'), input, { body: Buffer.from('{}'), payloadSignature: 'h..s', digest: 'd' })).aanwijzing;
  };
  return { store, clock, service, ctx, deliver };
}

const retention = { closedSignalDays: 30, processingLogDays: 365, withdrawnOptOutDays: 90 };

t.test('past geldigTot an open signal expires and shows up in the feed as VERLOPEN; then its personal data is purged', async (t) => {
  const { store, clock, service, ctx, deliver } = await setup(t);
  const open = await deliver('OPEN');
  const later = await deliver('LATER', { geldigTot: '2027-06-30' });
  const done = await deliver('DONE');
  await service.feedback(ctx('amsterdam'), done.id, { status: 'AFGEROND', uitkomst: 'TOEGEKEND' });
  const start = await service.feed(ctx('amsterdam'), {});

  t.same(await runMaintenance(store, clock, retention), { expired: 0, purged: 0, logRecordsRemoved: 0, optOutsPurged: 0 }, 'nothing due yet');
  clock.advance(40 * 86400); // 2027-01-01
  const first = await runMaintenance(store, clock, retention);
  t.equal(first.expired, 1, 'only the open signal past its last day');
  t.equal(first.purged, 1, 'the signal closed more than 30 days ago loses its personal data');
  const changes = await service.feed(ctx('amsterdam'), { na: start.volgende });
  t.same(changes.aanwijzingen.map((a) => `${a.kenmerk}:${a.status}`), ['OPEN:VERLOPEN']);
  t.equal((await service.get(ctx('amsterdam'), later.id)).status, 'AANGEBODEN');

  const purged = await service.get(ctx('uwv'), done.id);
  t.equal(purged.burgerservicenummer, undefined, 'no BSN after the purge');
  t.equal(purged.aanleiding, undefined, 'no content after the purge');
  t.match(purged, { status: 'AFGEROND', terugkoppeling: { uitkomst: 'TOEGEKEND' }, regeling: 'ALGEMENE_BIJSTAND' }, 'accountability data stays');
  t.equal(purged.ondertekening, undefined);

  clock.advance(31 * 86400);
  const second = await runMaintenance(store, clock, retention);
  t.same(second, { expired: 0, purged: 1, logRecordsRemoved: 0, optOutsPurged: 0 }, 'the expired one follows after its own period');
  t.equal((await service.get(ctx('amsterdam'), open.id)).burgerservicenummer, undefined);
  t.same(await runMaintenance(store, clock, retention), { expired: 0, purged: 0, logRecordsRemoved: 0, optOutsPurged: 0 }, 'idempotent');

  clock.advance(400 * 86400);
  t.ok((await runMaintenance(store, clock, retention)).logRecordsRemoved > 0, 'processing-log records go after their period');
});

t.test('feedback statistics count per regeling, reason, status and outcome, without personal data', async (t) => {
  const { store, service, ctx, deliver } = await setup(t);
  const a = await deliver('S1');
  const b = await deliver('S2');
  await deliver('S3', { aanleiding: { redenCode: 'LEEFTIJD_AOW', criteria: ['C2'], toelichting: 'y' } });
  await service.feedback(ctx('amsterdam'), a.id, { status: 'AFGEROND', uitkomst: 'TOEGEKEND' });
  await service.feedback(ctx('amsterdam'), b.id, { status: 'AFGEROND', uitkomst: 'GEEN_INTERESSE' });
  const stats = await feedbackStatistics(store, ctx('uwv'), { vanaf: '2026-11-01', tot: '2026-12-01' });
  t.equal(stats.totaal, 3);
  t.same(stats.aantallen.map((r) => `${r.redenCode}/${r.status}/${r.uitkomst ?? '-'}=${r.aantal}`), [
    'INKOMEN_ONDER_NORM/AFGEROND/GEEN_INTERESSE=1', 'INKOMEN_ONDER_NORM/AFGEROND/TOEGEKEND=1', 'LEEFTIJD_AOW/AANGEBODEN/-=1',
  ]);
  t.notMatch(JSON.stringify(stats), /999999990/);
  t.equal((await feedbackStatistics(store, ctx('amsterdam'), { vanaf: '2026-11-01', tot: '2026-12-01' })).totaal, 0, 'only the caller\'s own signals');
  await t.rejects(feedbackStatistics(store, ctx('uwv'), { vanaf: '2026-12-01', tot: '2026-11-01' }), { code: 'invalid-input' });
  await t.rejects(feedbackStatistics(store, ctx('uwv'), { vanaf: '2025-01-01', tot: '2026-12-01' }), { code: 'invalid-input' });
});

t.test('a withdrawn opt-out loses its BSN after its retention period; an active one never does', async (t) => {
  const { store, clock } = await setup(t);
  const row = (id: string, bsn: string) => ({ id, bsn, scope: '*', kanaal: 'BALIE', geregistreerdDoor: party('amsterdam').oin, actorOin: null, ingang: clock.now().getTime() });
  await store.importOptOuts([row('w', '999999990'), row('a', '111222333')]);
  await store.withdrawOptOut('w', party('amsterdam').oin, clock.now().getTime(), () => true, () => []);
  clock.advance(91 * 86400);
  t.equal((await runMaintenance(store, clock, retention)).optOutsPurged, 1);
  const found = await store.lookupOptOuts(['999999990', '111222333'], () => []);
  t.same([...found.keys()], ['111222333'], 'the active one stays');
  const withdrawn = await store.readOptOut('w', () => []);
  t.equal(withdrawn?.bsn, null, 'history kept, without the person');
});
