import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger, REDACTED, scrubLogLine } from '../../../src/observability/logger.js';

t.test('scrubLogLine hides BSNs and JWT-like strings, keeps other numbers', async (t) => {
  t.equal(scrubLogLine('bsn 111222333 here'), `bsn ${REDACTED} here`);
  t.equal(scrubLogLine('not a bsn 123456789'), 'not a bsn 123456789', 'fails the elfproef');
  t.equal(scrubLogLine('oin 00000099000000000101'), 'oin 00000099000000000101', 'digits of a longer number are not a BSN');
  t.equal(scrubLogLine('Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'), `Bearer ${REDACTED}`);
});

t.test('the logger redacts known fields and scrubs the rest', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  const logger = createLogger('info', sink);
  logger.info({ headers: { authorization: 'Bearer abc' }, burgerservicenummer: '999999990', note: 'person 111222333' }, 'test');
  const text = lines.join('');
  t.notMatch(text, /Bearer abc/);
  t.notMatch(text, /999999990/);
  t.notMatch(text, /111222333/);
  t.match(text, REDACTED);
});

t.test('tokens and BSNs deeper in an object are scrubbed from the line', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  createLogger('info', sink).info({ err: { request: { headers: { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' }, burgerservicenummer: '111222333' } } }, 'deep');
  t.notMatch(lines.join(''), /eyJhbGci|111222333/);
  t.match(lines.join(''), REDACTED);
});
