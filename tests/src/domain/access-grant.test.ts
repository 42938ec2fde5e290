import t from 'tap';
import { buildPartyRegistry } from '../../../src/config/party-registry-file.js';
import { decideGrant } from '../../../src/domain/access-grant.js';
import { KetenpoortError } from '../../../src/errors.js';

const registry = buildPartyRegistry({
  partijen: [
    { id: 'uwv', oin: '00000099000000000101', naam: 'UWV', rollen: ['aanleveraar', 'opt-out-registrar'] },
    { id: 'amsterdam', oin: '00000099000000000363', naam: 'Amsterdam', rollen: ['ontvanger'], ontvangt: [{ gemeentecodes: ['0363'], regelingen: ['ALGEMENE_BIJSTAND'] }] },
    { id: 'leiden', oin: '00000099000000000546', naam: 'Leiden', rollen: ['ontvanger'], ontvangt: [{ gemeentecodes: ['0546'], regelingen: ['ALGEMENE_BIJSTAND'] }] },
    { id: 'leverancier', oin: '00000099000000000801', naam: 'Leverancier', rollen: ['leverancier'],
      delegaties: [{ namens: '00000099000000000363' }, { namens: '00000099000000000546', scopes: ['aanwijzingen.ontvangen'] }] },
  ],
}, { production: false, baseDir: '.' });
const party = (oin: string) => registry.byOin(oin)!;

t.test('own roles give their scopes', async (t) => {
  const grant = decideGrant(party('00000099000000000101'), registry, {});
  t.equal(grant.subject.id, 'uwv');
  t.equal(grant.actor, undefined);
  t.same([...grant.scopes].sort(), ['aanwijzingen.aanleveren', 'opt-outs.raadplegen', 'opt-outs.registreren', 'partij.lezen', 'verwerkingen.lezen']);
});

t.test('a vendor acts for a municipality under its delegation', async (t) => {
  const full = decideGrant(party('00000099000000000801'), registry, { namens: '00000099000000000363' });
  t.equal(full.subject.id, 'amsterdam');
  t.equal(full.actor?.id, 'leverancier');
  t.ok(full.scopes.includes('aanwijzingen.ontvangen'));
  const narrow = decideGrant(party('00000099000000000801'), registry, { namens: '00000099000000000546' });
  t.same([...narrow.scopes].sort(), ['aanwijzingen.ontvangen', 'partij.lezen', 'verwerkingen.lezen'], 'narrowed by the delegation');
});

t.test('refusals carry a stable code', async (t) => {
  const cases: Array<[string, string, { scope?: string; namens?: string }, string, number]> = [
    ['no delegation', '00000099000000000801', { namens: '00000099000000000101' }, 'no-delegation', 403],
    ['not a vendor', '00000099000000000101', { namens: '00000099000000000363' }, 'no-delegation', 403],
    ['scope beyond roles', '00000099000000000363', { scope: 'aanwijzingen.aanleveren' }, 'invalid-scope', 400],
    ['empty scope', '00000099000000000363', { scope: '  ' }, 'invalid-scope', 400],
  ];
  for (const [name, oin, request, code, status] of cases) {
    const error = t.throws(() => decideGrant(party(oin), registry, request), name) as KetenpoortError;
    t.equal(error.code, code, name);
    t.equal(error.status, status, name);
  }
});

t.test('a requested scope narrows the grant', async (t) => {
  t.same(decideGrant(party('00000099000000000363'), registry, { scope: 'partij.lezen partij.lezen' }).scopes, ['partij.lezen']);
});
