import { Command, InvalidArgumentError, Option } from 'commander';
import type { Aanlevering, AanleveringFout, KetenpoortClient } from '../../sdk/index.js';
import { connect, EXIT, fail, withConnectionOptions, type ConnectionOptions } from './gateway-connection.js';
import { UploadProgressBar } from './upload-progress-bar.js';

interface SendOptions extends ConnectionOptions {
  formaat?: 'ndjson' | 'csv';
  bestandsnaam?: string;
  alg?: 'PS256' | 'ES256';
  wachten: boolean;
  interval: number;
  voortgang: boolean;
  json?: boolean;
  fouten: number;
}

/**
 * `ketenpoort aanlevering verstuur FILE`: the operator's way to send a file of aanwijzingen. Signs
 * the file's digest with the party's key, streams it, shows progress and prints the report.
 * Exit 0 when every line was taken, 1 when lines were rejected (listed), 2–4 otherwise (see EXIT).
 */
export function registerAanleveringCommands(program: Command): void {
  const aanlevering = program.command('aanlevering')
    .description('Files of aanwijzingen: send one (signed, streamed) and read its report.');

  withConnectionOptions(aanlevering.command('verstuur')
    .description('Send a file of aanwijzingen (NDJSON or CSV), signed with your key; shows progress and prints the report.')
    .argument('<bestand>', 'the file: .ndjson/.jsonl (one delivery per line) or .csv (the columns of the contract)'))
    .addOption(new Option('--formaat <formaat>', 'the format, when the extension does not tell').choices(['ndjson', 'csv']))
    .option('--bestandsnaam <naam>', 'the name recorded with the aanlevering (default: the base name of the file)')
    .addOption(new Option('--alg <alg>', 'payload signature algorithm (default PS256 for an RSA key, ES256 for an EC key)').choices(['PS256', 'ES256']))
    .option('--no-wachten', 'do not wait for the gateway to process every line: print the aanlevering as accepted')
    .option('--interval <ms>', 'how often to ask for the report while waiting', positiveInteger, 1000)
    .option('--no-voortgang', 'no progress output')
    .option('--json', 'print the report as JSON (the aanlevering, with the first rejected lines)')
    .option('--fouten <n>', 'how many rejected lines to print', nonNegativeInteger, 20)
    .action(async (file: string, options: SendOptions) => {
      process.exitCode = await send(file, options);
    });

  withConnectionOptions(aanlevering.command('status')
    .description('Print the report of an aanlevering sent earlier (status, counts, the first rejected lines).')
    .argument('<id>', 'the id the upload answered with'))
    .option('--json', 'print the report as JSON')
    .option('--fouten <n>', 'how many rejected lines to print', nonNegativeInteger, 20)
    .action(async (id: string, options: ConnectionOptions & { json?: boolean; fouten: number }) => {
      process.exitCode = await status(id, options);
    });
}

async function status(id: string, options: ConnectionOptions & { json?: boolean; fouten: number }): Promise<number> {
  const client = connect(options);
  if (!client) return EXIT.usage;
  try {
    const report = await client.haalAanlevering(id);
    return await print(client, report, options);
  } catch (error) {
    return fail(error);
  } finally {
    await client.close();
  }
}

/** Prints the report (text or JSON) and returns the exit code it stands for. */
async function print(client: KetenpoortClient, report: Aanlevering, options: { json?: boolean; fouten: number }): Promise<number> {
  const fouten = report.aantallen.afgewezen > 0 && options.fouten > 0 ? await firstErrors(client, report.id, options.fouten) : [];
  process.stdout.write(options.json ? `${JSON.stringify({ ...report, fouten }, null, 2)}\n` : formatReport(report, fouten));
  return report.aantallen.afgewezen > 0 ? EXIT.linesRejected : EXIT.ok;
}

async function send(file: string, options: SendOptions): Promise<number> {
  const client = connect(options, options.alg ? { signingAlg: options.alg } : {});
  if (!client) return EXIT.usage;
  const progress = options.voortgang ? new UploadProgressBar() : undefined;
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const report = await client.verstuurBestand(file, {
      ...(options.formaat ? { formaat: options.formaat } : {}),
      ...(options.bestandsnaam ? { bestandsnaam: options.bestandsnaam } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
      wachtOpVerwerking: options.wachten, pollIntervalMs: options.interval, signal: interrupt.signal,
    });
    progress?.stop();
    return await print(client, report, options);
  } catch (error) {
    progress?.stop();
    return fail(error);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await client.close();
  }
}

/** The first `limit` rejected lines, over as many pages as that takes. */
async function firstErrors(client: KetenpoortClient, id: string, limit: number): Promise<AanleveringFout[]> {
  const errors: AanleveringFout[] = [];
  let na: string | undefined;
  while (errors.length < limit) {
    const page = await client.haalAanleveringFouten(id, { ...(na ? { na } : {}), limiet: Math.min(limit - errors.length, 500) });
    errors.push(...page.fouten);
    if (page.fouten.length === 0 || page.volgende === na) break;
    na = page.volgende;
  }
  return errors.slice(0, limit);
}

/** The report as an operator reads it. */
export function formatReport(report: Aanlevering, fouten: readonly AanleveringFout[]): string {
  const n = (value: number) => value.toLocaleString('en').padStart(12);
  const { totaal, geaccepteerd, afgewezen, onderdrukt, alBekend } = report.aantallen;
  const lines = [
    `aanlevering ${report.id} ${report.status}${report.bestandsnaam ? ` (${report.bestandsnaam})` : ''}`,
    `  lines          ${n(totaal)}`,
    `  accepted       ${n(geaccepteerd)}`,
    `  rejected       ${n(afgewezen)}`,
    `  suppressed     ${n(onderdrukt)}   (opt-out: accepted, never routed)`,
    `  already known  ${n(alBekend)}   (sent before: not counted twice)`,
  ];
  if (report.status !== 'VERWERKT') lines.push(`still processing: ketenpoort aanlevering status ${report.id}`);
  if (fouten.length > 0) {
    lines.push(`rejected lines${afgewezen > fouten.length ? ` (the first ${fouten.length} of ${afgewezen.toLocaleString('en')})` : ''}:`);
    for (const fout of fouten) {
      lines.push(`  line ${fout.regel}: ${fout.code}: ${fout.detail}`);
      for (const p of fout.invalidParams ?? []) lines.push(`    - ${p.name || '(line)'}: ${p.reason}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('Give a whole number of 1 or more.');
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('Give a whole number of 0 or more.');
  return n;
}
