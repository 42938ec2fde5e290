import t from 'tap';
import { buildPartyRegistry } from '../../../src/config/party-registry-file.js';
import { ConfigurationError } from '../../../src/errors.js';

const base = () => ({
  partijen: [
    { id: 'uwv', oin: '00000099000000000101', naam: 'UWV', rollen: ['aanleveraar'] },
    { id: 'amsterdam', oin: '00000099000000000363', naam: 'Amsterdam', rollen: ['ontvanger'],
      ontvangt: [{ gemeentecodes: ['0363'], regelingen: ['ALGEMENE_BIJSTAND'] }] },
    { id: 'leverancier', oin: '00000099000000000801', naam: 'Leverancier', rollen: ['leverancier'],
      delegaties: [{ namens: '00000099000000000363' }] },
  ],
});
type Data = ReturnType<typeof base> & { partijen: any[] };

t.test('a valid registry routes (gemeentecode, regeling) to its receiver', async (t) => {
  const registry = buildPartyRegistry(base(), { production: false, baseDir: '.' });
  t.equal(registry.byOin('00000099000000000363')?.id, 'amsterdam');
  t.equal(registry.receiverFor('0363', 'ALGEMENE_BIJSTAND')?.id, 'amsterdam');
  t.equal(registry.receiverFor('0363', 'AIO'), undefined);
  t.equal(registry.parties.length, 3);
});

t.test('every bad field is named', async (t) => {
  const cases: Array<[string, (d: Data) => void, string]> = [
    ['OIN too short', (d) => { d.partijen[0].oin = '123'; }, 'partijen[0].oin'],
    ['unknown role', (d) => { d.partijen[0].rollen = ['baas']; }, 'partijen[0].rollen[0]'],
    ['unknown field', (d) => { d.partijen[1].extra = 1; }, 'partijen[1]'],
    ['no parties', (d) => { d.partijen = []; }, 'partijen'],
    ['duplicate OIN', (d) => { d.partijen[1].oin = d.partijen[0].oin; }, 'partijen[1].oin'],
    ['duplicate id', (d) => { d.partijen[2].id = 'uwv'; }, 'partijen[2].id'],
    ['unknown gemeentecode', (d) => { d.partijen[1].ontvangt[0].gemeentecodes = ['9999']; }, 'partijen[1].ontvangt[0].gemeentecodes[0]'],
    ['unknown regeling', (d) => { d.partijen[1].ontvangt[0].regelingen = ['GRATIS_GELD']; }, 'partijen[1].ontvangt[0].regelingen[0]'],
    ['receiving without role', (d) => { d.partijen[0].ontvangt = [{ gemeentecodes: ['0014'], regelingen: ['AIO'] }]; }, 'partijen[0].ontvangt'],
    ['two receivers for one route', (d) => { d.partijen.push({ id: 'x', oin: '00000099000000000999', naam: 'X', rollen: ['ontvanger'], ontvangt: [{ gemeentecodes: ['0363'], regelingen: ['ALGEMENE_BIJSTAND'] }] }); }, 'partijen[3].ontvangt[0]'],
    ['delegation to nobody', (d) => { d.partijen[2].delegaties[0].namens = '00000099000000000998'; }, 'partijen[2].delegaties[0].namens'],
    ['delegation to a non-receiver', (d) => { d.partijen[2].delegaties[0].namens = '00000099000000000101'; }, 'partijen[2].delegaties[0].namens'],
    ['delegated scope the principal lacks', (d) => { d.partijen[2].delegaties[0].scopes = ['aanwijzingen.aanleveren']; }, 'partijen[2].delegaties[0].scopes'],
    ['delegation without vendor role', (d) => { d.partijen[0].delegaties = [{ namens: '00000099000000000363' }]; }, 'partijen[0].delegaties'],
    ['missing certificate file', (d) => { d.partijen[0].certificaten = ['nope.pem']; }, 'partijen[0].certificaten[0]'],
  ];
  for (const [name, mutate, setting] of cases) {
    const data = base() as Data;
    mutate(data);
    const error = t.throws(() => buildPartyRegistry(data, { production: false, baseDir: '/nonexistent' }), name) as ConfigurationError;
    t.ok(error instanceof ConfigurationError, `${name}: a ConfigurationError`);
    t.equal(error.setting, setting, `${name}: names ${setting}`);
  }
});

t.test('test OINs are refused in production mode', async (t) => {
  const error = t.throws(() => buildPartyRegistry(base(), { production: true, baseDir: '.' })) as ConfigurationError;
  t.equal(error.setting, 'partijen[0].oin');
  t.match(error.message, /test OIN/);
});
