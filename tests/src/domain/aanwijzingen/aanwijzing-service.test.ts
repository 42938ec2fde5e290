import t from 'tap';
import { buildPartyRegistry } from '../../../../src/config/party-registry-file.js';
import { buildRegelingen } from '../../../../src/config/regelingen-file.js';
import { Pseudonymiser } from '../../../../src/audit/pseudonymiser.js';
import type { OperationContext } from '../../../../src/audit/operation-context.js';
import { AanwijzingService, type SignedDelivery } from '../../../../src/domain/aanwijzingen/aanwijzing-service.js';
import type { AanwijzingAanlevering } from '../../../../src/domain/aanwijzingen/aanwijzing-checks.js';
import { KetenpoortError } from '../../../../src/errors.js';
import { FixedClock } from '../../../../src/security/clock.js';
import { openTestStore } from '../../../helpers/test-database.js';

const registry = buildPartyRegistry({
  partijen: [
    { id: 'uwv', oin: '00000099000000000101', naam: 'UWV', rollen: ['aanleveraar'] },
    { id: 'svb', oin: '00000099000000000102', naam: 'SVB', rollen: ['aanleveraar'] },
    { id: 'amsterdam', oin: '00000099000000000363', naam: 'Amsterdam', rollen: ['ontvanger'],
      ontvangt: [{ gemeentecodes: ['0363'], regelingen: ['ALGEMENE_BIJSTAND', 'KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN'] }] },
    { id: 'leiden', oin: '00000099000000000546', naam: 'Leiden', rollen: ['ontvanger'], ontvangt: [{ gemeentecodes: ['0546'], regelingen: ['ALGEMENE_BIJSTAND'] }] },
    { id: 'bsw', oin: '00000099000000000901', naam: 'Belastingsamenwerking', rollen: ['ontvanger'],
      ontvangt: [{ gemeentecodes: ['0546', '0547'], regelingen: ['KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN'] }] },
  ],
}, { production: false, baseDir: '.' });
const regelingen = buildRegelingen({
  regelingen: {
    ALGEMENE_BIJSTAND: { gegevens: ['huishouden', 'inkomen', 'vermogen'], verwerkingsactiviteit: 'urn:test:bijstand' },
    KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN: { gegevens: ['inkomen'], verwerkingsactiviteit: 'urn:test:kwijtschelding' },
  },
});
const party = (id: string) => registry.parties.find((p) => p.id === id)!;

async function setup(t: { teardown(fn: () => unknown): void; testdir(): string }, options: { refuseSignature?: boolean } = {}) {
  const store = await openTestStore(t, t.testdir());
  const clock = new FixedClock('2026-11-22T10:00:00Z');
  const signed: SignedDelivery[] = [];
  const service = new AanwijzingService({
    store, registry, regelingen, clock, pseudonymiser: new Pseudonymiser(Buffer.alloc(32, 1)),
    signatures: {
      async verify(delivery) {
        signed.push(delivery);
        if (options.refuseSignature) throw new KetenpoortError('payload-signature-invalid', 400, 'Invalid signature', 'no');
        return { certificate: 'PEM' };
      },
    },
  });
  const ctx = (id: string, span = 'b7ad6b7169203331'): OperationContext => ({
    requester: party(id), traceId: '0af7651916cd43dd8448eb211c80319c', spanId: span, startTime: clock.now(),
  });
  return { store, clock, service, ctx, signed };
}

const delivery = (over: Partial<AanwijzingAanlevering> = {}): AanwijzingAanlevering => ({
  kenmerk: 'UWV-2026-0001', soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: '999999990',
  gemeentecode: '0363', aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'Uw WW-uitkering stopt binnenkort.' },
  geldigTot: '2027-02-28', ...over,
});
const body = (input: AanwijzingAanlevering): SignedDelivery => ({ body: Buffer.from(JSON.stringify(input)), payloadSignature: 'h..s', digest: 'SHA-256=x' });


t.test('routing per (gemeentecode, regeling): the tax collaboration gets kwijtschelding, the municipality bijstand', async (t) => {
  const { service, ctx } = await setup(t);
  const cases: Array<[string, string, string]> = [
    ['0363', 'ALGEMENE_BIJSTAND', 'amsterdam'],
    ['0363', 'KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN', 'amsterdam'],
    ['0546', 'ALGEMENE_BIJSTAND', 'leiden'],
    ['0546', 'KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN', 'bsw'],
    ['0547', 'KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN', 'bsw'],
  ];
  for (const [i, [gemeentecode, regeling, receiver]] of cases.entries()) {
    const input = delivery({ kenmerk: `K-${i}`, gemeentecode, regeling });
    const { created, aanwijzing } = await service.deliver(ctx('uwv'), input, body(input));
    t.ok(created);
    t.equal(aanwijzing.ontvanger?.oin, party(receiver).oin, `${gemeentecode}/${regeling} → ${receiver}`);
    t.equal(aanwijzing.status, 'AANGEBODEN');
  }
});

t.test('idempotency: same kenmerk and content → the same aanwijzing; other content → 409', async (t) => {
  const { service, ctx, store } = await setup(t);
  const input = delivery();
  const first = await service.deliver(ctx('uwv'), input, body(input));
  const again = await service.deliver(ctx('uwv'), { ...input, aanleiding: { ...input.aanleiding } }, body(input));
  t.equal(again.created, false);
  t.equal(again.aanwijzing.id, first.aanwijzing.id);
  await t.rejects(service.deliver(ctx('uwv'), delivery({ geldigTot: '2027-03-31' }), body(input)), { code: 'kenmerk-conflict', status: 409 });
  const other = await service.deliver(ctx('svb'), input, body(input));
  t.ok(other.created, 'another sender may use the same kenmerk');
  const concurrent = delivery({ kenmerk: 'PARALLEL' });
  const results = await Promise.all([1, 2, 3].map(() => service.deliver(ctx('uwv'), concurrent, body(concurrent))));
  t.equal(results.filter((r) => r.created).length, 1, 'concurrent deliveries of one kenmerk create one');
  t.equal(new Set(results.map((r) => r.aanwijzing.id)).size, 1);
  const log = await store.processingLog({ requester: party('uwv').oin, after: 0, limit: 100 });
  t.equal(log.records.length, 2, 'one record per created delivery, none for replays');
});

t.test('every invalid item is listed, and nothing is stored or logged', async (t) => {
  const { service, ctx, store } = await setup(t);
  const input = delivery({
    burgerservicenummer: '123456789', gemeentecode: '9999', geldigTot: '2026-11-21',
    gegevens: { vermogen: { bron: 'Belastingdienst', peildatum: '2027-01-01', bedrag: 100 } },
  });
  const error = await service.deliver(ctx('uwv'), input, body(input)).catch((e: unknown) => e) as KetenpoortError & { invalidParams: Array<{ name: string; code: string }> };
  t.equal(error.code, 'invalid-input');
  t.same(error.invalidParams.map((p) => `${p.name}:${p.code}`).sort(),
    ['burgerservicenummer:elfproef', 'gegevens.vermogen.peildatum:future', 'geldigTot:past', 'gemeentecode:codelist'].sort());
  const kwijtschelding = delivery({ regeling: 'KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN', gegevens: { vermogen: { bron: 'B', peildatum: '2026-01-01', bedrag: 1 } } });
  await t.rejects(service.deliver(ctx('uwv'), kwijtschelding, body(kwijtschelding)), { invalidParams: [{ name: 'gegevens.vermogen', code: 'not-allowed' }] } as unknown as Error, 'data minimisation');
  const unknown = delivery({ regeling: 'GRATIS_GELD' });
  await t.rejects(service.deliver(ctx('uwv'), unknown, body(unknown)), { invalidParams: [{ name: 'regeling', code: 'codelist' }] } as unknown as Error);
  const unrouted = delivery({ gemeentecode: '0014' });
  await t.rejects(service.deliver(ctx('uwv'), unrouted, body(unrouted)), { code: 'no-receiver', status: 400 });
  t.same((await store.aanwijzingFeed({ ontvangerOin: party('amsterdam').oin, after: 0, limit: 10 }, () => [])).rows, []);
  t.same((await store.processingLog({ requester: party('uwv').oin, after: 0, limit: 10 })).records, [], 'no processing records');
});

t.test('a refused signature stores nothing', async (t) => {
  const { service, ctx, store } = await setup(t, { refuseSignature: true });
  await t.rejects(service.deliver(ctx('uwv'), delivery(), body(delivery())), { code: 'payload-signature-invalid' });
  t.same((await store.processingLog({ requester: party('uwv').oin, after: 0, limit: 10 })).records, []);
});

t.test('the feed pages by cursor without skipping or repeating, also while signals arrive', async (t) => {
  const { service, ctx } = await setup(t);
  const deliver = (k: string) => { const input = delivery({ kenmerk: k }); return service.deliver(ctx('uwv'), input, body(input)); };
  for (let i = 0; i < 5; i++) await deliver(`A${i}`);
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let round = 0; round < 10; round++) {
    const page = await service.feed(ctx('amsterdam'), { limiet: 2, ...(cursor ? { na: cursor } : {}) });
    seen.push(...page.aanwijzingen.map((a) => a.kenmerk));
    cursor = page.volgende;
    if (round === 1) await deliver('LATE');
    if (page.aanwijzingen.length === 0) break;
  }
  t.same(seen, ['A0', 'A1', 'A2', 'A3', 'LATE', 'A4'].sort((a, b) => seen.indexOf(a) - seen.indexOf(b)), 'each exactly once');
  t.equal(seen.length, 6);
  t.equal(new Set(seen).size, 6);
  t.same((await service.feed(ctx('amsterdam'), { na: cursor! })).aanwijzingen, [], 'nothing new: an empty page');
  t.same((await service.feed(ctx('leiden'), {})).aanwijzingen, [], 'another receiver sees none of it');
  await t.rejects(service.feed(ctx('amsterdam'), { na: 'bogus' }), { code: 'invalid-input' });
});

t.test('a correction replaces the earlier signal, which reappears in the feed as VERVANGEN', async (t) => {
  const { service, ctx } = await setup(t);
  const first = delivery({ kenmerk: 'K1' });
  const original = await service.deliver(ctx('uwv'), first, body(first));
  const start = await service.feed(ctx('amsterdam'), {});
  const fix = delivery({ kenmerk: 'K1-correctie', vervangt: original.aanwijzing.id });
  const correction = await service.deliver(ctx('uwv'), fix, body(fix));
  const after = await service.feed(ctx('amsterdam'), { na: start.volgende });
  t.same(after.aanwijzingen.map((a) => [a.kenmerk, a.status]), [['K1', 'VERVANGEN'], ['K1-correctie', 'AANGEBODEN']]);
  t.equal(after.aanwijzingen[0]!.vervangenDoor, correction.aanwijzing.id);
  const again = delivery({ kenmerk: 'K1-tweede', vervangt: original.aanwijzing.id });
  await t.rejects(service.deliver(ctx('uwv'), again, body(again)), { code: 'aanwijzing-closed', status: 409 }, 'a replaced signal cannot be corrected again');
  const foreign = delivery({ kenmerk: 'S1', vervangt: correction.aanwijzing.id });
  await t.rejects(service.deliver(ctx('svb'), foreign, body(foreign)), { invalidParams: [{ name: 'vervangt', code: 'not-found' }] } as unknown as Error, 'only your own');
});

t.test('one aanwijzing: its receiver and sender see it, anyone else gets 404; every read is logged pseudonymously', async (t) => {
  const { service, ctx, store } = await setup(t);
  const input = delivery();
  const { aanwijzing } = await service.deliver(ctx('uwv'), input, body(input));
  t.equal((await service.get(ctx('amsterdam'), aanwijzing.id)).burgerservicenummer, '999999990');
  t.equal((await service.get(ctx('uwv'), aanwijzing.id)).id, aanwijzing.id);
  await t.rejects(service.get(ctx('leiden'), aanwijzing.id), { code: 'not-found', status: 404 });
  await t.rejects(service.get(ctx('svb'), aanwijzing.id), { code: 'not-found' });
  await t.rejects(service.get(ctx('amsterdam'), '019a0000-0000-7000-8000-000000000000'), { code: 'not-found' });
  const log = await store.processingLog({ requester: party('amsterdam').oin, after: 0, limit: 10 });
  t.equal(log.records.length, 1, 'only the successful read by the receiver');
  const record = log.records[0]!.record;
  t.match(record, { name: 'aanwijzing.raadplegen', status: 'OK', processingActivityId: 'urn:test:bijstand', requester: party('amsterdam').oin, resourceId: aanwijzing.id });
  t.match(record.dataSubjectId, /^[0-9a-f]{64}$/);
  t.equal(record.dataSubjectId, new Pseudonymiser(Buffer.alloc(32, 1)).pseudonym('999999990'));
  t.notMatch(JSON.stringify(log), /999999990/, 'no BSN in the processing log');
  const leidenLog = await store.processingLog({ requester: party('leiden').oin, after: 0, limit: 10 });
  t.same(leidenLog.records, [], 'a refused read is not a processing');
});

t.test('feed filters: status, regeling, soort and time of last change', async (t) => {
  const { service, ctx, clock } = await setup(t);
  const send = async (kenmerk: string, over: Partial<AanwijzingAanlevering>) => {
    const input = delivery({ kenmerk, ...over });
    return (await service.deliver(ctx('uwv'), input, body(input))).aanwijzing;
  };
  await send('B1', {});
  clock.advance(3600);
  const k = await send('K1', { regeling: 'KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN' });
  await send('G1', { soort: 'GEWIJZIGDE_SITUATIE' });
  await service.feedback(ctx('amsterdam'), k.id, { status: 'ONTVANGEN' });
  const kenmerken = async (request: Parameters<typeof service.feed>[1]) => (await service.feed(ctx('amsterdam'), request)).aanwijzingen.map((a) => a.kenmerk);
  t.same(await kenmerken({ regeling: 'KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN' }), ['K1']);
  t.same(await kenmerken({ soort: 'GEWIJZIGDE_SITUATIE' }), ['G1']);
  t.same(await kenmerken({ status: 'ONTVANGEN' }), ['K1']);
  t.same(await kenmerken({ gewijzigdVanaf: '2026-11-22T10:30:00Z' }), ['G1', 'K1']);
  t.same(await kenmerken({ gewijzigdTot: '2026-11-22T10:30:00Z' }), ['B1']);
  const filtered = await service.feed(ctx('amsterdam'), { status: 'AFGEROND' });
  t.same(filtered.aanwijzingen, []);
  t.same((await service.feed(ctx('amsterdam'), { na: filtered.volgende })).aanwijzingen, [], 'a filtered empty page still moves the cursor past what it examined');
});

t.test('if the processing record cannot be written, the operation fails and nothing is stored', async (t) => {
  const { store, service, ctx } = await setup(t);
  const input = delivery();
  const broken = { ...ctx('uwv'), traceId: null as unknown as string }; // violates NOT NULL in the processing log
  await t.rejects(service.deliver(broken, input, body(input)));
  t.same((await store.aanwijzingFeed({ ontvangerOin: party('amsterdam').oin, after: 0, limit: 10 }, () => [])).rows, [], 'no aanwijzing without its record');
  const ok = await service.deliver(ctx('uwv'), input, body(input));
  t.ok(ok.created, 'the same kenmerk is still free');
});
