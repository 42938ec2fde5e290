import t from 'tap';
import { projectPath } from '../../src/config/project-paths.js';
import { runNode, type CliResult } from '../helpers/cli-runner.js';
import { fixturePki } from '../helpers/fixture-pki.js';
import { gatewayEnvironment, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { sdkClientOf } from '../helpers/sdk-harness.js';

/** Runs an example as a user would (tsx), against the gateway process, with the fixture PKI. */
async function runExample(name: string, gateway: GatewayProcess, state: string): Promise<CliResult> {
  return runNode(['--conditions=ketenpoort-source', '--import', 'tsx', projectPath('examples', `${name}.ts`),
    '--gateway', gateway.api, '--pki', fixturePki.root, '--token-audience', gateway.tokenAudience, '--state', state]);
}

t.test('the examples, run against a real gateway process: deliver, feed with a saved cursor, follow and poll opt-outs', async (t) => {
  t.setTimeout(110_000);
  const dir = t.testdir({});
  const gateway = await startGatewayProcess(t, await gatewayEnvironment(t, dir));
  t.teardown(() => gateway.stop());
  const state = `${dir}/state`;

  const delivered = await runExample('uwv-levert-aan', gateway, state);
  t.equal(delivered.code, 0, delivered.stderr);
  t.match(delivered.stdout, /^delivered: UWV-VOORBEELD-\S+ → Gemeente Amsterdam \(test\), status AANGEBODEN, id [0-9a-f-]{36}\nthe same kenmerk again is the same signal: true\n$/);

  const fed = await runExample('leverancier-feed', gateway, state);
  t.equal(fed.code, 0, fed.stderr);
  t.match(fed.stdout, /UWV-VOORBEELD-\S+ \(ALGEMENE_BIJSTAND\): contact made → AFGEROND\n1 signal\(s\) handled, 1 of our own reports seen back/);
  const again = await runExample('leverancier-feed', gateway, state);
  t.match(again.stdout, /^0 signal\(s\) handled, 0 of our own reports seen back/, 'the next run resumes from the saved cursor: nothing comes twice');

  const first = await runExample('leverancier-opt-outs', gateway, state);
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, /following 3 person\(s\) for Amsterdam \(3 new\)\nno changes since the last poll/);
  // SVB registers an opt-out for a person the vendor follows: the next poll shows it, once.
  const svb = sdkClientOf(t, gateway.api, 'svb', gateway.tokenAudience);
  await svb.registreerOptOut({ burgerservicenummer: '999999990', kanaal: 'BALIE' });
  const second = await runExample('leverancier-opt-outs', gateway, state);
  t.match(second.stdout, /\(0 new\)\nopt-out registered for a followed person \(all regelingen\)\n1 change\(s\)\n$/);
  const third = await runExample('leverancier-opt-outs', gateway, state);
  t.match(third.stdout, /no changes since the last poll/, 'the saved cursor and ETag: nothing twice');
});
