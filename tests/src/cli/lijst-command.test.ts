import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { startTestGateway } from '../../helpers/gateway-harness.js';
import { connectionArgs, runCli } from '../../helpers/cli-runner.js';
import { aanlevering, OIN, sdkClient } from '../../helpers/sdk-harness.js';

t.test('lijst haal writes the month\'s list to a file; the vendor does so for Amsterdam', async (t) => {
  const gateway = await startTestGateway(t);
  const uwv = sdkClient(t, gateway, 'uwv');
  for (const kenmerk of ['L-1', 'L-2']) await uwv.leverAanwijzingAan(aanlevering({ kenmerk }));
  const periode = new Date().toISOString().slice(0, 7);
  const dir = t.testdir({});

  const run = await runCli(['lijst', 'haal', '--periode', periode, ...connectionArgs(gateway, 'amsterdam')], { cwd: dir });
  t.equal(run.code, 0, run.stderr);
  const defaultName = path.join(dir, `aanwijzingen-${periode}.csv`);
  t.match(run.stderr, `bytes to ${defaultName}`);
  const rows = readFileSync(defaultName, 'utf8').trim().split('\r\n');
  t.same(rows.slice(1).map((r) => r.split(',')[1]), ['L-1', 'L-2'], 'the default: CSV in the current directory');

  const out = path.join(dir, 'voor-amsterdam.ndjson');
  const vendor = await runCli(['lijst', 'haal', '--periode', periode, '--formaat', 'ndjson', '--uit', out, ...connectionArgs(gateway, 'leverancier'), '--namens', OIN.amsterdam]);
  t.equal(vendor.code, 0, vendor.stderr);
  t.same(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).kenmerk), ['L-1', 'L-2']);

  const refused = await runCli(['lijst', 'haal', '--periode', periode, '--uit', path.join(dir, 'geweigerd.csv'), ...connectionArgs(gateway, 'leverancier'), '--namens', OIN.leiden]);
  t.equal(refused.code, 3, 'no delegation for Leiden: refused');
  t.match(refused.stderr, /\(40[13] [a-z-]+\)/);
  t.notOk(existsSync(path.join(dir, 'geweigerd.csv')), 'and no file');

  const badPeriod = await runCli(['lijst', 'haal', '--periode', '2026-13', ...connectionArgs(gateway, 'amsterdam')]);
  t.equal(badPeriod.code, 2);
  t.match(badPeriod.stderr, /Give a month as YYYY-MM/);
});
