import { parseArgs } from 'node:util';
import { FULL_SETTINGS, QUICK_SETTINGS, type BenchSettings } from './scenario.js';

/** What `npm run bench -- …` asked for. */
export interface RunOptions {
  readonly help: boolean;
  readonly settings: BenchSettings;
  /** Scenario ids to run; empty: all. */
  readonly only: readonly string[];
  /** Where to write a CPU profile of the gateway, if asked. */
  readonly profileDir?: string;
}

/** The help text; `ids` are the scenario ids with their descriptions. */
export function helpText(ids: ReadonlyArray<{ id: string; description: string }>): string {
  const width = Math.max(...ids.map((s) => s.id.length));
  return [
    'npm run bench [-- options]',
    '',
    'Measures the built gateway against a bare Fastify server on mutual TLS, in one run on this',
    'machine, and prints one table (also written to bench/results/<date>.json).',
    '',
    'Options:',
    '  --snel              quick run: register of 100,000, 3-second load runs, files of 10,000 and 100,000 lines',
    '  --alleen <ids>      only these scenarios (comma-separated, or the option repeated)',
    '  --een-ontvanger     the periodic file to one receiver (Amsterdam) instead of 342 municipalities',
    '  --profiel <dir>     write a V8 CPU profile of the gateway process to <dir> (open in Chrome DevTools)',
    '  --help              this text',
    '',
    'Scenarios:',
    ...ids.map((s) => `  ${s.id.padEnd(width)}  ${s.description}`),
  ].join('\n');
}

/**
 * Parses the arguments.
 * @throws TypeError for an unknown option or scenario id (the message says which)
 */
export function parseRunOptions(argv: readonly string[], knownIds: readonly string[]): RunOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      snel: { type: 'boolean', default: false },
      alleen: { type: 'string', multiple: true },
      profiel: { type: 'string' },
      'een-ontvanger': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const only = (values.alleen ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const unknown = only.filter((id) => !knownIds.includes(id));
  if (unknown.length > 0) throw new TypeError(`unknown scenario ${unknown.join(', ')}; known: ${knownIds.join(', ')}`);
  return {
    help: values.help ?? false,
    settings: { ...(values.snel ? QUICK_SETTINGS : FULL_SETTINGS), ...(values['een-ontvanger'] ? { fileReceivers: 'een' as const } : {}) },
    only,
    ...(values.profiel ? { profileDir: values.profiel } : {}),
  };
}

/** The results file name: the date, and what kind of run it was, so a quick or partial run never overwrites a full one. */
export function resultsFileName(date: Date, options: Pick<RunOptions, 'settings' | 'only'>): string {
  const suffix = [options.settings.quick ? 'snel' : '', options.settings.fileReceivers === 'een' ? 'een-ontvanger' : '', options.only.length > 0 ? `alleen-${options.only.join('+')}` : ''].filter(Boolean).join('-');
  return `${date.toISOString().slice(0, 10)}${suffix ? `-${suffix}` : ''}.json`;
}
