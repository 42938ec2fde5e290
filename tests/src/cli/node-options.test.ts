import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { GATEWAY_NODE_OPTIONS, MAX_OLD_SPACE_MB, heapBoundWarning } from '../../../src/cli/node-options.js';
import { projectPath } from '../../../src/config/project-paths.js';

const MB = 1024 * 1024;

t.test('npm start and the ketenpoort command start the gateway with the same Node options', async (t) => {
  const scripts = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  t.equal(scripts.start, `node ${GATEWAY_NODE_OPTIONS.join(' ')} dist/src/cli/ketenpoort.js start`);
  const firstLine = readFileSync(projectPath('src', 'cli', 'ketenpoort.ts'), 'utf8').split('\n')[0];
  t.equal(firstLine, `#!/usr/bin/env -S node ${GATEWAY_NODE_OPTIONS.join(' ')}`);
});

t.test('a process started with the options gets the heap bound, and no warning', async (t) => {
  const run = spawnSync(process.execPath, [...GATEWAY_NODE_OPTIONS, '-p', 'require("node:v8").getHeapStatistics().heap_size_limit'], { encoding: 'utf8' });
  t.equal(run.status, 0, run.stderr);
  const limit = Number(run.stdout.trim());
  t.ok(limit >= MAX_OLD_SPACE_MB * MB, `heap limit ${limit / MB} MB`);
  t.equal(heapBoundWarning(limit), undefined);
});

t.test('the warning names the missing options when the heap is sized for the machine', async (t) => {
  const cases: Array<[number, boolean]> = [
    [MAX_OLD_SPACE_MB * MB, false],
    [(MAX_OLD_SPACE_MB + 48) * MB, false], // what V8 reports under the bound: old plus young generation
    [2048 * MB, true],
    [4144 * MB, true], // this machine's default
  ];
  for (const [limit, warns] of cases) {
    const warning = heapBoundWarning(limit);
    t.equal(warning !== undefined, warns, `${limit / MB} MB`);
    if (warning) t.match(warning, GATEWAY_NODE_OPTIONS[0]!);
  }
});
