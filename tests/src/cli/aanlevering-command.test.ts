import path from 'node:path';
import t from 'tap';
import { startTestGateway } from '../../helpers/gateway-harness.js';
import { connectionArgs, runCli } from '../../helpers/cli-runner.js';
import { aanlevering } from '../../helpers/sdk-harness.js';

const line = (kenmerk: string) => JSON.stringify(aanlevering({ kenmerk }));

t.test('verstuur: a file with a broken line exits 1 and prints the counts and the rejected line; the JSON report matches', async (t) => {
  const gateway = await startTestGateway(t);
  const dir = t.testdir({ 'maart.ndjson': [line('CLI-1'), '{"kenmerk": broken', line('CLI-2'), line('CLI-3')].join('\n') + '\n' });
  const file = path.join(dir, 'maart.ndjson');
  const run = await runCli(['aanlevering', 'verstuur', file, ...connectionArgs(gateway, 'uwv'), '--interval', '50']);
  t.equal(run.code, 1, 'exit 1: lines were rejected');
  t.match(run.stdout, /^aanlevering \S+ VERWERKT \(maart\.ndjson\)\n/);
  t.match(run.stdout, /lines\s+4\n\s+accepted\s+3\n\s+rejected\s+1\n\s+suppressed\s+0 .*\n\s+already known\s+0 /);
  t.match(run.stdout, /rejected lines:\n\s+line 2: line-not-json: /);
  t.match(run.stderr, /^signed 0\.\d kB, 4 lines\nsent 0\.\d kB, 4 lines\n$/, 'progress without a terminal: a line per phase');

  const again = await runCli(['aanlevering', 'verstuur', file, ...connectionArgs(gateway, 'uwv'), '--json', '--no-voortgang']);
  t.equal(again.code, 1);
  const report = JSON.parse(again.stdout);
  t.same(report.aantallen, { totaal: 4, geaccepteerd: 3, afgewezen: 1, onderdrukt: 0, alBekend: 0 }, 're-sent: the same counts');
  t.match(report.fouten, [{ regel: 2, code: 'line-not-json' }]);
  t.equal(again.stderr, '', '--no-voortgang: nothing on stderr');

  const status = await runCli(['aanlevering', 'status', report.id, ...connectionArgs(gateway, 'uwv'), '--fouten', '0']);
  t.equal(status.code, 1);
  t.match(status.stdout, new RegExp(`^aanlevering ${report.id} VERWERKT`));
  t.notMatch(status.stdout, /rejected lines:/, '--fouten 0 lists none');
});

t.test('verstuur: a clean CSV file exits 0', async (t) => {
  const gateway = await startTestGateway(t);
  const header = 'kenmerk,soort,regeling,burgerservicenummer,gemeentecode,geldigTot,redenCode,criteria,toelichting';
  const dir = t.testdir({ 'lijst.txt': `${header}\nC-1,MOGELIJK_RECHT,ALGEMENE_BIJSTAND,999999990,0363,2099-12-31,INKOMEN_ONDER_NORM,WW_EINDIGT,Een\n` });
  const run = await runCli(['aanlevering', 'verstuur', path.join(dir, 'lijst.txt'), '--formaat', 'csv', ...connectionArgs(gateway, 'uwv'), '--no-voortgang', '--interval', '50']);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /accepted\s+1\n\s+rejected\s+0\n/);
});

t.test('exit codes: usage 2, refused 3, unreachable 4, each with a message that says why', async (t) => {
  const gateway = await startTestGateway(t);
  const dir = t.testdir({ 'a.ndjson': `${line('X-1')}\n`, 'a.txt': 'x' });
  const cases = [
    { name: 'a missing file', args: ['aanlevering', 'verstuur', path.join(dir, 'nope.ndjson'), ...connectionArgs(gateway, 'uwv')], code: 2, stderr: /\(file-unreadable\): .*no such file/ },
    { name: 'an unknown extension', args: ['aanlevering', 'verstuur', path.join(dir, 'a.txt'), ...connectionArgs(gateway, 'uwv')], code: 2, stderr: /\(option-invalid\).*--formaat|\.csv or \.ndjson/ },
    { name: 'no certificate', args: ['aanlevering', 'verstuur', path.join(dir, 'a.ndjson'), '--gateway', gateway.url], code: 2, stderr: /give --cert, --key and --ca/ },
    { name: 'a bad --interval', args: ['aanlevering', 'verstuur', path.join(dir, 'a.ndjson'), '--interval', '0'], code: 2, stderr: /Give a whole number of 1 or more/ },
    { name: 'a party without the sender role', args: ['aanlevering', 'verstuur', path.join(dir, 'a.ndjson'), ...connectionArgs(gateway, 'amsterdam'), '--no-voortgang'], code: 3, stderr: /\(403 insufficient-scope\)/ },
    { name: 'nothing listening', args: ['aanlevering', 'verstuur', path.join(dir, 'a.ndjson'), ...connectionArgs(gateway, 'uwv').map((a) => a === gateway.url ? 'https://localhost:1' : a), '--no-voortgang'], code: 4, stderr: /\(gateway-unreachable\)/ },
    { name: 'a missing argument', args: ['aanlevering', 'verstuur'], code: 2, stderr: /missing required argument 'bestand'/ },
  ];
  for (const c of cases) {
    const run = await runCli(c.args);
    t.equal(run.code, c.code, `${c.name}: exit ${c.code}`);
    t.match(run.stderr, c.stderr, `${c.name}: says why`);
    t.equal(run.stdout, '', `${c.name}: no report`);
  }
});

t.test('--help on every command, exit 0', async (t) => {
  for (const command of [[], ['aanlevering'], ['aanlevering', 'verstuur'], ['aanlevering', 'status'], ['lijst'], ['lijst', 'haal']]) {
    const run = await runCli([...command, '--help']);
    t.equal(run.code, 0, `${command.join(' ') || 'ketenpoort'} --help`);
    t.match(run.stdout, /^Usage: ketenpoort/);
  }
});
