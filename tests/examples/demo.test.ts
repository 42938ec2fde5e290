import { spawn } from 'node:child_process';
import t from 'tap';
import { projectPath } from '../../src/config/project-paths.js';

t.test('npm run demo tells the whole story and exits 0', async (t) => {
  t.setTimeout(110_000);
  // From source (--bron), so the test runs the code under test, not an older build.
  const child = spawn(process.execPath, ['--conditions=ketenpoort-source', '--import', 'tsx', projectPath('examples', 'demo.ts'), '--bron', '--regels', '300'], {
    cwd: projectPath(), env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 0, stderr);
  for (const step of ['1. A citizen tells SVB', '2. UWV delivers its monthly file: 300 signals', '3. The signal about the citizen who opted out',
    "4. Amsterdam's software vendor", '5. The Belastingsamenwerking', "6. UWV reads back"]) {
    t.match(stdout, step, step);
  }
  t.match(stdout, /report: 300 lines, 297 accepted, 2 rejected, 1 suppressed/);
  t.match(stdout, /Summary: 7 of 7 checks passed/);
  t.notMatch(stdout, /✗/, 'no check failed');
});
