import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { referencePseudonym } from '../../../src/audit/pseudonymiser.js';
import { ParallelPseudonymiser } from '../../../src/server/parallel-pseudonymiser.js';

const key = Buffer.alloc(32, 5);
/** n distinct nine-digit strings (pseudonymisation does not check the elfproef: the services do). */
const bsns = (n: number, from = 100_000_000) => Array.from({ length: n }, (_, i) => String(from + i * 37));
const expected = (list: readonly string[]) => list.map((bsn) => referencePseudonym(key, bsn));
const dyingWorker = new URL('../../helpers/exiting-pseudonym-worker.ts', import.meta.url);

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
  if (!condition()) throw new Error(`timed out waiting until ${what}`);
}

t.test('a large batch: half in the worker, every pseudonym equal to HMAC-SHA-256, in order', async (t) => {
  const p = new ParallelPseudonymiser(key, { parallelFrom: 100 });
  t.teardown(() => p.close());
  const input = bsns(3001);
  t.same(await p.pseudonyms(input), expected(input));
  t.equal(p.workerRunning, true, 'the worker was started');
  t.equal(p.pseudonym(input[7]!), referencePseudonym(key, input[7]!), 'one at a time: on the calling thread');
});

t.test('a small batch stays on the calling thread', async (t) => {
  const p = new ParallelPseudonymiser(key, { parallelFrom: 100 });
  t.teardown(() => p.close());
  const input = bsns(99);
  t.same(await p.pseudonyms(input), expected(input));
  t.same(await p.pseudonyms([]), []);
  t.equal(p.workerRunning, false);
});

t.test('batches at the same time each get their own answers', async (t) => {
  const p = new ParallelPseudonymiser(key, { parallelFrom: 10 });
  t.teardown(() => p.close());
  const inputs = [bsns(500, 100_000_000), bsns(40, 200_000_000), bsns(1200, 300_000_000)];
  const answers = await Promise.all(inputs.map((input) => p.pseudonyms(input)));
  inputs.forEach((input, i) => t.same(answers[i], expected(input), `batch ${i}`));
});

t.test('the worker ends after the idle time and starts again for the next batch', async (t) => {
  const lost: Error[] = [];
  const p = new ParallelPseudonymiser(key, { parallelFrom: 10, idleMs: 20, onWorkerLost: (error) => lost.push(error) });
  t.teardown(() => p.close());
  await p.pseudonyms(bsns(50));
  await until(() => !p.workerRunning, 'the idle worker ended');
  await sleep(50);
  t.same(lost, [], 'an idle end is not a loss');
  const input = bsns(50, 500_000_000);
  t.same(await p.pseudonyms(input), expected(input));
  t.equal(p.workerRunning, true);
});

t.test('a worker that dies holding a job: the job is computed on the calling thread, the next batch starts a new worker', async (t) => {
  const lost: Error[] = [];
  const p = new ParallelPseudonymiser(key, { parallelFrom: 10, entry: dyingWorker, onWorkerLost: (error) => lost.push(error) });
  t.teardown(() => p.close());
  for (const from of [100_000_000, 600_000_000]) {
    const input = bsns(80, from);
    t.same(await p.pseudonyms(input), expected(input), `batch from ${from}`);
    await until(() => !p.workerRunning, 'the dead worker is let go');
  }
  t.same(lost.map((e) => e.message), ['the pseudonym worker exited with code 3', 'the pseudonym worker exited with code 3'], 'each loss told once');
});

t.test('input that cannot be pseudonymised rejects, whichever half it is in', async (t) => {
  const lost: Error[] = [];
  const p = new ParallelPseudonymiser(key, { parallelFrom: 10, onWorkerLost: (error) => lost.push(error) });
  t.teardown(() => p.close());
  const tooLong = '1'.repeat(17);
  for (const at of [0, 99]) {
    const input = bsns(100);
    input[at] = tooLong;
    await t.rejects(p.pseudonyms(input), RangeError, `a bad BSN at position ${at}`);
  }
  const input = bsns(100, 700_000_000);
  t.same(await p.pseudonyms(input), expected(input), 'and the next batch is answered');
  t.same(lost.map((e) => e.name), ['RangeError'], 'the worker that threw is told once (the front half threw first the other time)');
});

t.test('after close: answers on the calling thread, no worker', async (t) => {
  const p = new ParallelPseudonymiser(key, { parallelFrom: 10 });
  await p.pseudonyms(bsns(20));
  await p.close();
  t.equal(p.workerRunning, false);
  const input = bsns(20, 800_000_000);
  t.same(await p.pseudonyms(input), expected(input));
  t.equal(p.workerRunning, false);
});
