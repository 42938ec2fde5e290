import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { connect, EXIT, fail, withConnectionOptions, type ConnectionOptions } from './gateway-connection.js';

type ListFormat = 'csv' | 'ndjson' | 'json';

interface FetchOptions extends ConnectionOptions {
  periode: `${number}-${number}`;
  formaat: ListFormat;
  uit?: string;
}

/**
 * `ketenpoort lijst haal --periode YYYY-MM`: downloads the caller's periodic list (the signals
 * routed to it in that month) into a file, streamed; the file appears only when complete.
 */
export function registerLijstCommands(program: Command): void {
  const lijst = program.command('lijst')
    .description('Periodic lists: the aanwijzingen routed to you in a month.');

  withConnectionOptions(lijst.command('haal')
    .description('Download your list of a month into a file (CSV, NDJSON or JSON). A vendor gives --namens.'))
    .requiredOption('--periode <YYYY-MM>', 'the month, e.g. 2026-10', period)
    .addOption(new Option('--formaat <formaat>', 'the file format').choices(['csv', 'ndjson', 'json']).default('csv'))
    .option('--uit <bestand>', 'where to write it (default: aanwijzingen-<periode>.<formaat> in the current directory)')
    .action(async (options: FetchOptions) => {
      process.exitCode = await fetchList(options);
    });
}

async function fetchList(options: FetchOptions): Promise<number> {
  const client = connect(options);
  if (!client) return EXIT.usage;
  const target = path.resolve(options.uit ?? `aanwijzingen-${options.periode}.${options.formaat}`);
  try {
    const bytes = await client.downloadAanwijzingenlijst(options.periode, target, { formaat: options.formaat });
    process.stderr.write(`wrote ${bytes.toLocaleString('en')} bytes to ${target}\n`);
    return EXIT.ok;
  } catch (error) {
    return fail(error);
  } finally {
    await client.close();
  }
}

function period(value: string): `${number}-${number}` {
  if (!/^[0-9]{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError('Give a month as YYYY-MM, e.g. 2026-10.');
  return value as `${number}-${number}`;
}
