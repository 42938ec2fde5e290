import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { generateFile, INVALID_KINDS } from '../../bench/file-generator.js';
import { UNREGISTERED_FROM, validBsns } from '../../bench/bsn.js';
import { isValidBsn } from '../../src/domain/bsn.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { sdkClient } from '../helpers/sdk-harness.js';

const OPTED_OUT = validBsns(10_000_000, 3);

t.test('the generated file is what its recipe says: digest, faults by kind, opted-out persons, real gemeentecodes', async (t) => {
  const dir = t.testdir({});
  const generated = await generateFile(path.join(dir, 'f.ndjson'), { lines: 4000, kenmerkPrefix: 'G', firstBsn: UNREGISTERED_FROM, optedOut: OPTED_OUT, optedOutShare: 0.02 });
  const bytes = readFileSync(generated.file);
  t.equal(generated.bytes, bytes.length);
  t.equal(generated.digest, `SHA-256=${createHash('sha256').update(bytes).digest('base64')}`);
  const lines = bytes.toString('utf8').trimEnd().split('\n');
  t.equal(lines.length, 4000);

  const seen = { notJson: 0, elfproef: 0, unknownGemeente: 0, missingMember: 0, expired: 0, optedOut: 0 };
  const gemeenten = new Set<string>();
  for (const line of lines) {
    let body: Record<string, string>;
    try {
      body = JSON.parse(line);
    } catch {
      seen.notJson++;
      continue;
    }
    if (!isValidBsn(body.burgerservicenummer!)) seen.elfproef++;
    else if (body.gemeentecode === '9999') seen.unknownGemeente++;
    else if (!('aanleiding' in body)) seen.missingMember++;
    else if (body.geldigTot! < '2025-01-01') seen.expired++;
    else if (OPTED_OUT.includes(body.burgerservicenummer!)) seen.optedOut++;
    gemeenten.add(body.gemeentecode!);
  }
  t.same({ ...seen, optedOut: undefined }, { ...generated.invalid, optedOut: undefined }, 'every fault counted where it was made');
  t.equal(seen.optedOut, generated.expected.onderdrukt);
  for (const [kind, share] of Object.entries(INVALID_KINDS)) {
    const n = generated.invalid[kind as keyof typeof INVALID_KINDS];
    t.ok(n > 4000 * share * 0.4 && n < 4000 * share * 2, `${kind}: about ${share * 100} % (${n})`);
  }
  t.ok(seen.optedOut > 40 && seen.optedOut < 130, `about 2 % opted out (${seen.optedOut})`);
  t.ok(gemeenten.size > 200, `spread over the municipalities (${gemeenten.size})`);
  const again = await generateFile(path.join(dir, 'g.ndjson'), { lines: 4000, kenmerkPrefix: 'G', firstBsn: UNREGISTERED_FROM, optedOut: OPTED_OUT, optedOutShare: 0.02 });
  t.same(again.invalid, generated.invalid, 'the same recipe makes the same file');
});

t.test('a gateway reports exactly the expected counts for a generated file', async (t) => {
  const gateway = await startTestGateway(t);
  const svb = sdkClient(t, gateway, 'svb');
  for (const bsn of OPTED_OUT) await svb.registreerOptOut({ burgerservicenummer: bsn, kanaal: 'BRIEF' });
  const dir = t.testdir({});
  const generated = await generateFile(path.join(dir, 'maand.ndjson'), {
    lines: 1500, kenmerkPrefix: 'E', firstBsn: UNREGISTERED_FROM, optedOut: OPTED_OUT, optedOutShare: 0.03, gemeentecodes: ['0363', '0546'],
  });
  const report = await sdkClient(t, gateway, 'uwv').verstuurBestand(generated.file, { pollIntervalMs: 50 });
  t.same(report.aantallen, generated.expected);
});
