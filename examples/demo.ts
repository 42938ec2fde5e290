/**
 * `npm run demo`: the whole story in a minute, with the SDK, the development PKI and a gateway of
 * its own (embedded store in a temporary directory, the development party registry):
 *
 * 1. SVB registers a citizen's opt-out (told at the counter);
 * 2. UWV delivers a signed monthly file — bijstand for Amsterdam, kwijtschelding for Leiden and
 *    Leiderdorp, one line about the citizen who opted out, two broken lines — with a progress bar;
 * 3. the signal about that citizen is suppressed: nobody receives it;
 * 4. the vendor pulls Amsterdam's signals and reports outcomes;
 * 5. the tax collaboration receives the kwijtschelding signals of its two municipalities;
 * 6. UWV reads back the outcome statistics.
 *
 * Options: `--regels N` (lines in the file, default 2,000), `--bron` (run the gateway from source
 * instead of dist/). Exits 0 when every step came out as told, 1 otherwise.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KetenpoortClient, type AanwijzingAanlevering } from 'ketenpoort/sdk';
import { GATEWAY_NODE_OPTIONS } from '../src/cli/node-options.js';
import { UploadProgressBar } from '../src/cli/upload-progress-bar.js';
import { projectPath } from '../src/config/project-paths.js';

const { values } = parseArgs({ options: { regels: { type: 'string', default: '2000' }, bron: { type: 'boolean', default: false } } });
const LINES = Math.max(10, Number(values.regels));
const OIN = { amsterdam: '00000099000000000363' };
const OPTED_OUT = '111222333';
const say = (text: string) => process.stdout.write(`${text}\n`);
const checks: Array<[string, boolean]> = [];
const check = (what: string, ok: boolean) => { checks.push([what, ok]); say(`   ${ok ? '✓' : '✗'} ${what}`); };

// ---- A gateway of our own ----------------------------------------------------------------------
const dir = mkdtempSync(path.join(os.tmpdir(), 'ketenpoort-demo-'));
const built = projectPath('dist', 'src', 'cli', 'ketenpoort.js');
const cli = values.bron || !existsSync(built) ? ['--import', 'tsx', projectPath('src', 'cli', 'ketenpoort.ts')] : [built];
const gatewayProcess = spawn(process.execPath, [...GATEWAY_NODE_OPTIONS, ...cli, 'start'], {
  cwd: projectPath(),
  env: {
    PATH: process.env.PATH ?? '', KETENPOORT_PORT: '0', KETENPOORT_OPS_PORT: '0', KETENPOORT_HOST: '127.0.0.1', KETENPOORT_LOG_LEVEL: 'info', // 'Ketenpoort is listening' is an info line
    KETENPOORT_DATABASE_URL: `sqlite:${dir}/demo.db`, KETENPOORT_TOKEN_KEY: `${dir}/token.pem`, KETENPOORT_PSEUDONYM_KEY: `${dir}/pseudonym.key`,
    KETENPOORT_FILES_DIR: `${dir}/spool`,
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const gatewayUrl = await new Promise<string>((resolve, reject) => {
  let buffered = '';
  gatewayProcess.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    if (buffered.length < 1_000_000) buffered += chunk; // the address comes first; the access log after it is not kept
    const match = /"api":"https:\/\/127\.0\.0\.1:(\d+)"/.exec(buffered);
    if (match) resolve(`https://localhost:${match[1]}`);
  });
  gatewayProcess.on('exit', (code) => reject(new Error(`the gateway stopped (${code}) before it listened`)));
});
const pki = projectPath('certs', 'dev'); // made by `ketenpoort start` on first use
const client = (party: string, namens?: string) => new KetenpoortClient({
  gatewayUrl, tokenAudience: 'https://localhost:8443/v1/oauth/token', ...(namens ? { namens } : {}),
  tls: { certificate: `${pki}/partijen/${party}/chain.pem`, key: `${pki}/partijen/${party}/key.pem`, trustAnchors: `${pki}/ca/trust-anchors.pem` },
});
const [svb, uwv, vendor, bsw] = [client('svb'), client('uwv'), client('leverancier', OIN.amsterdam), client('belastingsamenwerking')];
say(`Ketenpoort demo — a gateway on ${gatewayUrl} (embedded store in ${dir}), parties from config/partijen.dev.yaml\n`);

try {
  // 1. The opt-out.
  say('1. A citizen tells SVB at the counter: no proactive service, please.');
  const optOut = await svb.registreerOptOut({ burgerservicenummer: OPTED_OUT, kanaal: 'BALIE' });
  check(`SVB registered opt-out ${optOut.id} for all regelingen`, optOut.status === 'ACTIEF' && optOut.alleRegelingen);

  // 2. The monthly file.
  say(`\n2. UWV delivers its monthly file: ${LINES.toLocaleString('en')} signals, signed with UWV's key.`);
  const file = path.join(dir, 'uwv-maand.ndjson');
  const lines = monthlyFile(LINES);
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  const progress = new UploadProgressBar(process.stdout);
  const report = await uwv.verstuurBestand(file, { onProgress: progress.update, pollIntervalMs: 200 });
  progress.stop();
  const { totaal, geaccepteerd, afgewezen, onderdrukt } = report.aantallen;
  say(`   report: ${totaal} lines, ${geaccepteerd} accepted, ${afgewezen} rejected, ${onderdrukt} suppressed`);
  check('every line has an outcome', totaal === LINES);
  check('the two broken lines were rejected, by line number', afgewezen === 2);

  // 3. The suppressed signal.
  say('\n3. The signal about the citizen who opted out.');
  check('it was suppressed at delivery: stored without content, routed to nobody', onderdrukt === 1);

  // 4. The vendor works Amsterdam's signals.
  say("\n4. Amsterdam's software vendor pulls the new signals and reports outcomes.");
  const outcomes = ['TOEGEKEND', 'AANVRAAG_INGEDIEND', 'CONTACT_GELEGD', 'NIET_BEREIKT', 'GEEN_INTERESSE'] as const;
  let pulled = 0;
  let sawOptedOut = false;
  for await (const aanwijzing of vendor.aanwijzingenFeed({ limiet: 500 })) {
    if (aanwijzing.status !== 'AANGEBODEN') continue; // our own reports coming back
    if (aanwijzing.burgerservicenummer === OPTED_OUT) sawOptedOut = true;
    await vendor.geefTerugkoppeling(aanwijzing.id, { status: 'AFGEROND', uitkomst: outcomes[pulled % outcomes.length]! });
    pulled++;
  }
  say(`   ${pulled} signals pulled and closed with an outcome`);
  check("the citizen who opted out is not in Amsterdam's feed", !sawOptedOut && pulled > 0);

  // 5. The tax collaboration.
  say('\n5. The Belastingsamenwerking Leidse regio receives kwijtschelding for Leiden and Leiderdorp.');
  const perGemeente = new Map<string, number>();
  for await (const aanwijzing of bsw.aanwijzingenFeed({ limiet: 500 })) {
    perGemeente.set(`${aanwijzing.gemeentecode} ${aanwijzing.regeling}`, (perGemeente.get(`${aanwijzing.gemeentecode} ${aanwijzing.regeling}`) ?? 0) + 1);
  }
  for (const [key, count] of perGemeente) say(`   ${key}: ${count}`);
  check('it received both municipalities, and only kwijtschelding', [...perGemeente.keys()].sort().join() === '0546 KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN,0547 KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN');

  // 6. UWV's statistics.
  say('\n6. UWV reads back what became of its signals.');
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const statistics = await uwv.haalStatistieken({ vanaf: day(0), tot: day(1) });
  for (const row of statistics.aantallen) say(`   ${row.regeling.padEnd(42)} ${row.status.padEnd(12)} ${(row.uitkomst ?? '').padEnd(20)} ${row.aantal}`);
  const closed = statistics.aantallen.filter((r) => r.status === 'AFGEROND').reduce((sum, r) => sum + r.aantal, 0);
  check('the outcomes the vendor reported are in UWV\'s statistics', closed === pulled);
} finally {
  await Promise.all([svb, uwv, vendor, bsw].map((c) => c.close()));
  gatewayProcess.kill('SIGTERM');
  await once(gatewayProcess, 'exit');
  rmSync(dir, { recursive: true, force: true });
}

const failed = checks.filter(([, ok]) => !ok);
say(`\nSummary: ${checks.length - failed.length} of ${checks.length} checks passed. One opt-out at SVB kept a signal of UWV away from`
  + ' Amsterdam; the vendor and the tax collaboration each received exactly their own signals; UWV saw the outcomes.');
process.exitCode = failed.length === 0 ? 0 : 1;

/** The monthly file: Amsterdam bijstand, Leiden/Leiderdorp kwijtschelding, one opted-out citizen, two broken lines. */
function monthlyFile(count: number): Array<AanwijzingAanlevering | string> {
  const geldigTot = new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10);
  const month = new Date().toISOString().slice(0, 7);
  const lines: Array<AanwijzingAanlevering | string> = [];
  for (let i = 0; lines.length < count - 3; i++) {
    const bsn = validBsn(20_000_000 + i);
    if (!bsn) continue;
    const kwijtschelding = lines.length % 4 === 3;
    lines.push({
      kenmerk: `UWV-${month}-${lines.length}`, soort: 'MOGELIJK_RECHT', burgerservicenummer: bsn, geldigTot,
      regeling: kwijtschelding ? 'KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN' : 'ALGEMENE_BIJSTAND',
      gemeentecode: kwijtschelding ? (lines.length % 8 === 3 ? '0546' : '0547') : '0363',
      aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'Uw inkomen daalt; mogelijk heeft u recht op ondersteuning.' },
    });
  }
  lines.splice(7, 0, { ...(lines[0] as AanwijzingAanlevering), kenmerk: `UWV-${month}-optout`, burgerservicenummer: OPTED_OUT, gemeentecode: '0363', regeling: 'ALGEMENE_BIJSTAND' });
  lines.splice(11, 0, '{"kenmerk": "UWV-kapot"');
  lines.push(JSON.stringify({ kenmerk: `UWV-${month}-zonder-bsn`, soort: 'MOGELIJK_RECHT' }));
  return lines;
}

/** The BSN with these first eight digits that passes the elfproef, if one does. */
function validBsn(n: number): string | undefined {
  const digits = String(n).padStart(8, '0');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
  return sum % 11 === 10 ? undefined : digits + (sum % 11);
}
