import t from 'tap';
import { isValidBsn } from '../../../src/domain/bsn.js';

t.test('elfproef', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['111222333', true], ['123456782', true], ['999999990', true],
    ['123456789', false], ['000000000', false], ['12345678', false], ['1234567820', false], ['12345678a', false], ['', false],
  ];
  for (const [value, valid] of cases) t.equal(isValidBsn(value), valid, `${value || '(empty)'} → ${valid}`);
});
