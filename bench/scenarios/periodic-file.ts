import { createReadStream, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { signerOf, writeSignedFile } from '../aanwijzing-bodies.js';
import { UNREGISTERED_FROM, bsnSequence } from '../bsn.js';
import { allGemeentecodes } from '../file-generator.js';
import { atLeast, atMost, formatMegabytes, formatNumber, ratioOf, worst, type Row } from '../report.js';
import type { Scenario, ScenarioContext } from '../scenario.js';

const ID = 'bestand';
const TARGET_LINES_PER_SECOND = 25_000;
const TARGET_PEAK_RSS = 300e6;
/** "Flat in file size": ten times the lines may cost at most this much more peak memory. */
const FLAT_FACTOR = 1.25;

/** One file, delivered and processed. */
interface FileRun {
  readonly lines: number;
  readonly bytes: number;
  readonly generateSeconds: number;
  readonly uploadSeconds: number;
  /** From the gateway receiving the request to the last line having an outcome (its own timestamps). */
  readonly processingSeconds: number;
  readonly linesPerSecond: number;
  readonly counts: Record<string, number>;
  /** Peak resident memory of a gateway process that started fresh for this file. */
  readonly peakRss: number | undefined;
  readonly rssAtStart: number | undefined;
}

/**
 * The monthly file: UWV delivers N aanwijzingen as one signed NDJSON file (streamed; the gateway
 * checks digest and signature, then processes every line through the single-delivery path in the
 * background). Targets: ≥ 25,000 lines/s; peak RSS ≤ 300 MB and flat from the small file to the
 * large one. Each file goes to a freshly started gateway, so its peak memory is that file's.
 *
 * When the gateway has no file endpoint (the contract lacks `POST /aanleveringen`), the scenario
 * says "not available" rather than failing the run.
 */
export const periodicFile: Scenario = {
  id: ID,
  description: 'POST /v1/aanleveringen: a signed NDJSON file of 1,000,000 lines (≥ 25,000 lines/s, RSS ≤ 300 MB, flat)',
  needsRegister: false,
  async run(ctx) {
    const [small, large] = ctx.settings.fileLines;
    // The municipalities the lines go to (each its own receiver in the benchmark's registry).
    const gemeentecodes = ctx.settings.fileReceivers === 'alle' ? allGemeentecodes() : ['0363'];
    const receivers = gemeentecodes.length === 1 ? 'one receiver' : `${gemeentecodes.length} receivers`;
    const title = `periodic file, ${formatNumber(large)} lines (NDJSON, signed, ${receivers})`;
    if (!await fileEndpointAvailable(ctx)) {
      return [{ id: ID, scenario: title, figure: 'not available yet (no POST /v1/aanleveringen in the contract)', baseline: '—', target: `≥ ${formatNumber(TARGET_LINES_PER_SECOND)} lines/s`, verdict: 'not available' }];
    }
    const smallRun = await deliverFile(ctx, small, UNREGISTERED_FROM, gemeentecodes);
    const largeRun = await deliverFile(ctx, large, UNREGISTERED_FROM + 2 * small, gemeentecodes);
    const valid = [smallRun, largeRun].every((r) => r.counts.geaccepteerd === r.lines);
    const growth = ratioOf(largeRun.peakRss, smallRun.peakRss);
    const rows: Row[] = [
      {
        id: ID,
        scenario: title,
        figure: `${formatNumber(largeRun.linesPerSecond)} lines/s (${formatNumber(largeRun.processingSeconds)} s)`,
        baseline: `${formatNumber(small)} lines: ${formatNumber(smallRun.linesPerSecond)} lines/s`,
        ...(ratioOf(largeRun.linesPerSecond, smallRun.linesPerSecond) !== undefined ? { ratio: ratioOf(largeRun.linesPerSecond, smallRun.linesPerSecond)! } : {}),
        target: `≥ ${formatNumber(TARGET_LINES_PER_SECOND)} lines/s`,
        verdict: valid ? atLeast(largeRun.linesPerSecond, TARGET_LINES_PER_SECOND) : 'failed',
        details: { small: smallRun, large: largeRun },
      },
      {
        id: ID,
        scenario: '  peak RSS of the gateway for that file',
        figure: formatMegabytes(largeRun.peakRss),
        baseline: `${formatNumber(small)} lines: ${formatMegabytes(smallRun.peakRss)}`,
        ...(growth !== undefined ? { ratio: growth } : {}),
        target: `≤ 300 MB, ratio ≤ ${FLAT_FACTOR}`,
        verdict: largeRun.peakRss === undefined ? 'info' : worst(atMost(largeRun.peakRss, TARGET_PEAK_RSS), atMost(growth, FLAT_FACTOR)),
        details: { peakRssSmall: smallRun.peakRss, peakRssLarge: largeRun.peakRss, rssAtStartSmall: smallRun.rssAtStart, rssAtStartLarge: largeRun.rssAtStart },
      },
    ];
    return rows;
  },
};

/** Whether the running gateway's contract has the file endpoint (the contract is public: no token). */
async function fileEndpointAvailable(ctx: ScenarioContext): Promise<boolean> {
  const reply = await ctx.client('uwv').call('GET', '/v1/openapi.json');
  if (reply.status !== 200) return false;
  const contract = JSON.parse(reply.text) as { paths?: Record<string, { post?: unknown }> };
  return Object.entries(contract.paths ?? {}).some(([p, item]) => p.endsWith('/aanleveringen') && item.post !== undefined);
}

async function deliverFile(ctx: ScenarioContext, lines: number, firstBsn: number, gemeentecodes: readonly string[]): Promise<FileRun> {
  const file = path.join(ctx.workspace.dir, `aanlevering-${lines}.ndjson`);
  ctx.log(`periodic file: writing and signing ${formatNumber(lines)} lines`);
  const generateStarted = performance.now();
  const signed = await writeSignedFile(file, signerOf(ctx.workspace, 'uwv'), `BESTAND-${Date.now().toString(36)}-${lines}`, bsnSequence(firstBsn, lines), gemeentecodes);
  const generateSeconds = (performance.now() - generateStarted) / 1000;

  const gateway = await ctx.restartGateway(`gateway-file-${lines}`);
  const rssAtStart = gateway.peakRss();
  const uwv = ctx.client('uwv');
  const auth = { authorization: `Bearer ${await uwv.token()}` };
  ctx.log(`periodic file: delivering ${formatNumber(signed.bytes / 1e6)} MB to a fresh gateway`);
  const uploadStarted = performance.now();
  const reply = await uwv.call('POST', `/v1/aanleveringen?bestandsnaam=bench-${lines}.ndjson`, {
    headers: { ...auth, 'content-type': 'application/x-ndjson', 'content-length': String(signed.bytes), digest: signed.digest, 'payload-signature': signed.payloadSignature },
    body: createReadStream(file),
  });
  const uploadSeconds = (performance.now() - uploadStarted) / 1000;
  if (reply.status !== 202) throw new Error(`the file was refused: ${reply.status} ${reply.text}`);
  const { id } = JSON.parse(reply.text) as { id: string };

  // Poll as a sender would; a generous limit (a tenth of the target rate) so a slow gateway still gets a figure.
  const deadline = performance.now() + (60 + lines / (TARGET_LINES_PER_SECOND / 10)) * 1000;
  let report: { status: string; ontvangen: string; afgerond?: string; aantallen: Record<string, number> } | undefined;
  while (performance.now() < deadline) {
    await sleep(250);
    const status = await uwv.call('GET', `/v1/aanleveringen/${id}`, { headers: auth });
    report = JSON.parse(status.text) as typeof report;
    if (report?.status === 'VERWERKT') break;
  }
  rmSync(file, { force: true });
  if (report?.status !== 'VERWERKT' || !report.afgerond) throw new Error(`the file of ${lines} lines was not processed in time: ${JSON.stringify(report)}`);
  const processingSeconds = (Date.parse(report.afgerond) - Date.parse(report.ontvangen)) / 1000;
  return {
    lines, bytes: signed.bytes, generateSeconds, uploadSeconds, processingSeconds, linesPerSecond: lines / processingSeconds,
    counts: report.aantallen, peakRss: gateway.peakRss(), rssAtStart,
  };
}
