import t from 'tap';
import { Pseudonymiser, referencePseudonym } from '../../../src/audit/pseudonymiser.js';

t.test('the precomputed HMAC equals HMAC-SHA-256, for short and long keys', async (t) => {
  for (const key of [Buffer.alloc(32, 7), Buffer.alloc(64, 1), Buffer.alloc(100, 3)]) {
    const p = new Pseudonymiser(key);
    for (const bsn of ['999999990', '111222333', '123456782']) t.equal(p.pseudonym(bsn), referencePseudonym(key, bsn), `${key.length}-byte key, ${bsn}`);
  }
  t.not(new Pseudonymiser(Buffer.alloc(32, 1)).pseudonym('999999990'), new Pseudonymiser(Buffer.alloc(32, 2)).pseudonym('999999990'), 'keyed');
  t.throws(() => new Pseudonymiser(Buffer.alloc(16)), RangeError);
  const p = new Pseudonymiser(Buffer.alloc(32, 9));
  for (const input of ['999999990', '12345', '', 'ÿé€', '9999999900000000']) {
    t.equal(p.pseudonym(input), referencePseudonym(Buffer.alloc(32, 9), input), `input ${JSON.stringify(input)} after longer ones: nothing left over`);
  }
  t.throws(() => p.pseudonym('1'.repeat(17)), RangeError);
});
