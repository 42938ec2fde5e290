import t from 'tap';
import { projectPath } from '../../src/config/project-paths.js';
import { runNode } from '../helpers/cli-runner.js';

t.test('npm run demo tells the whole story and exits 0', async (t) => {
  t.setTimeout(110_000);
  // From source (--bron), so the test runs the code under test, not an older build.
  const { code, stdout, stderr } = await runNode(['--conditions=ketenpoort-source', '--import', 'tsx', projectPath('examples', 'demo.ts'), '--bron', '--regels', '300']);
  t.equal(code, 0, stderr);
  for (const step of ['1. A citizen tells SVB', '2. UWV delivers its monthly file: 300 signals', '3. The signal about the citizen who opted out',
    "4. Amsterdam's software vendor", '5. The Belastingsamenwerking', "6. UWV reads back"]) {
    t.match(stdout, step, step);
  }
  t.match(stdout, /report: 300 lines, 297 accepted, 2 rejected, 1 suppressed/);
  t.match(stdout, /Summary: 7 of 7 checks passed/);
  t.notMatch(stdout, /✗/, 'no check failed');
});
