import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { FileSpool, SPOOL_WRITE_BYTES } from '../../../../src/domain/aanleveringen/spool.js';

const A = '0190b3d6-7a1e-7000-8000-000000000001';
const B = '0190b3d6-7a1e-7000-8000-000000000002';

t.test('a committed file is in the spool under its aanlevering id; an aborted or unknown one is not', async (t) => {
  const dir = t.testdir({});
  const spool = new FileSpool(dir);
  const kept = await spool.create();
  await kept.write(Buffer.from('{"a":1}\n'));
  await kept.commit(A);
  const dropped = await spool.create();
  await dropped.write(Buffer.from('x'));
  await dropped.abort();
  t.equal(await spool.has(A), true);
  t.equal(await spool.has(B), false, 'another instance\'s aanlevering is not in this spool');
  t.same(readdirSync(dir), [A]);
});

t.test('chunks are gathered into larger writes: the committed file holds every byte in order, an aborted one nothing', async (t) => {
  const dir = t.testdir({});
  const spool = new FileSpool(dir);
  // 2.5 gathers' worth in chunks of uneven sizes (a TLS record is ~16 KB), the last write partial.
  const chunks: Buffer[] = [];
  for (let bytes = 0; bytes < SPOOL_WRITE_BYTES * 2.5;) {
    const chunk = randomBytes(1 + ((chunks.length * 7919) % 16_384));
    chunks.push(chunk);
    bytes += chunk.length;
  }
  const writer = await spool.create();
  for (const chunk of chunks) await writer.write(chunk);
  await writer.commit(A);
  t.ok(readFileSync(`${dir}/${A}`).equals(Buffer.concat(chunks)), 'byte for byte');

  const dropped = await spool.create();
  for (const chunk of chunks.slice(0, 100)) await dropped.write(chunk);
  await dropped.abort();
  t.same(readdirSync(dir), [A], 'an abort with chunks still gathered leaves no file behind');
});

t.test('clean removes cut-off uploads and files of aanleveringen that are not unfinished', async (t) => {
  const dir = t.testdir({});
  const spool = new FileSpool(dir);
  for (const id of [A, B]) {
    const writer = await spool.create();
    await writer.commit(id);
  }
  await spool.create(); // an upload cut off by a stop: a .part file
  t.equal(await spool.clean(new Set([A])), 2);
  t.same(readdirSync(dir), [A]);
});

t.test('ids that are not aanlevering ids are refused (no path outside the spool)', async (t) => {
  const spool = new FileSpool(t.testdir({}));
  await t.rejects(spool.has('../etc/passwd'), RangeError);
});
