import t from 'tap';
import { decideFeedback, decideWithdrawal, type TerugkoppelingInvoer } from '../../../../src/domain/aanwijzingen/lifecycle.js';
import type { KetenpoortError } from '../../../../src/errors.js';
import type { AanwijzingRow } from '../../../../src/store/aanwijzing-rows.js';

const now = new Date('2026-11-22T12:00:00Z');
const row = (status: string, over: Partial<AanwijzingRow> = {}): AanwijzingRow => ({
  id: 'a1', aanleveraarOin: 'u', kenmerk: 'k', inhoudHash: 'h', ontvangerOin: 'o', soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND',
  gemeentecode: '0363', redenCode: 'R', bsn: '999999990', inhoud: '{}', ondertekening: null, geldigTot: '2027-01-01', status, uitkomst: null, toelichting: null,
  teruggekoppeld: null, intrekkingsreden: null, vervangt: null, vervangenDoor: null, aangeboden: 0, gewijzigd: 0, volgnummer: 1, ...over,
});

t.test('feedback transitions', async (t) => {
  const cases: Array<[string, TerugkoppelingInvoer, string]> = [
    ['AANGEBODEN', { status: 'ONTVANGEN' }, 'ONTVANGEN'],
    ['AANGEBODEN', { status: 'AFGEROND', uitkomst: 'CONTACT_GELEGD' }, 'AFGEROND'],
    ['ONTVANGEN', { status: 'IN_BEHANDELING' }, 'IN_BEHANDELING'],
    ['IN_BEHANDELING', { status: 'AFGEROND', uitkomst: 'TOEGEKEND', toelichting: 'Bijstand toegekend.' }, 'AFGEROND'],
    ['ONTVANGEN', { status: 'ONTVANGEN' }, 'unchanged'],
    ['IN_BEHANDELING', { status: 'ONTVANGEN' }, 'invalid-transition'],
    ['AFGEROND', { status: 'IN_BEHANDELING' }, 'aanwijzing-closed'],
    ['INGETROKKEN', { status: 'ONTVANGEN' }, 'aanwijzing-closed'],
    ['VERLOPEN', { status: 'AFGEROND', uitkomst: 'NIET_BEREIKT' }, 'aanwijzing-closed'],
    ['ONTVANGEN', { status: 'AFGEROND' }, 'invalid-input'],
    ['ONTVANGEN', { status: 'IN_BEHANDELING', uitkomst: 'TOEGEKEND' }, 'invalid-input'],
    ['ONTVANGEN', { status: 'AFGEROND', uitkomst: 'BRONGEGEVENS_ONJUIST' }, 'invalid-input'],
  ];
  for (const [from, input, expected] of cases) {
    const name = `${from} + ${JSON.stringify(input)} → ${expected}`;
    try {
      const change = decideFeedback(row(from), input, now);
      t.equal(change === 'unchanged' ? 'unchanged' : change.status, expected, name);
      if (change !== 'unchanged' && change.status === 'AFGEROND') t.equal(change.teruggekoppeld, now.getTime(), `${name}: time of the outcome`);
    } catch (error) {
      t.equal((error as KetenpoortError).code, expected, name);
    }
  }
  t.equal(decideFeedback(row('AFGEROND', { uitkomst: 'AFGEWEZEN' }), { status: 'AFGEROND', uitkomst: 'AFGEWEZEN' }, now), 'unchanged', 'the same outcome again is a no-op');
  t.throws(() => decideFeedback(row('AFGEROND', { uitkomst: 'AFGEWEZEN' }), { status: 'AFGEROND', uitkomst: 'TOEGEKEND' }, now), { code: 'aanwijzing-closed' });
});

t.test('withdrawal', async (t) => {
  t.match(decideWithdrawal(row('ONTVANGEN'), 'Onjuiste selectie', now), { status: 'INGETROKKEN', intrekkingsreden: 'Onjuiste selectie' });
  t.equal(decideWithdrawal(row('INGETROKKEN', { intrekkingsreden: 'x' }), 'x', now), 'unchanged');
  for (const closed of ['AFGEROND', 'VERVANGEN', 'VERLOPEN', 'ONDERDRUKT']) {
    t.throws(() => decideWithdrawal(row(closed), 'x', now), { code: 'aanwijzing-closed' }, closed);
  }
});
