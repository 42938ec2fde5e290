import t from 'tap';
import { helpText, parseRunOptions, resultsFileName } from '../../bench/run-options.js';
import { FULL_SETTINGS, QUICK_SETTINGS } from '../../bench/scenario.js';

const IDS = ['opt-out-een', 'aanwijzing', 'bestand', 'tls'];

t.test('no options: every scenario, full settings', async (t) => {
  const options = parseRunOptions([], IDS);
  t.same(options.only, []);
  t.same(options.settings, FULL_SETTINGS);
  t.equal(options.settings.fileReceivers, 'alle');
  t.equal(options.help, false);
});

t.test('--snel and --alleen (comma-separated or repeated)', async (t) => {
  const options = parseRunOptions(['--snel', '--alleen', 'tls,bestand', '--alleen', 'aanwijzing'], IDS);
  t.same(options.settings, QUICK_SETTINGS);
  t.same(options.only, ['tls', 'bestand', 'aanwijzing']);
});

t.test('--een-ontvanger sends the periodic file to one receiver, leaving the rest of the settings', async (t) => {
  const options = parseRunOptions(['--een-ontvanger'], IDS);
  t.same(options.settings, { ...FULL_SETTINGS, fileReceivers: 'een' });
  t.equal(resultsFileName(new Date('2026-11-22T20:00:00Z'), options), '2026-11-22-een-ontvanger.json');
});

t.test('an unknown scenario or option is refused, naming it', async (t) => {
  t.throws(() => parseRunOptions(['--alleen', 'tsl'], IDS), { message: /unknown scenario tsl; known: opt-out-een/ });
  t.throws(() => parseRunOptions(['--fast'], IDS), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
});

t.test('a quick or partial run never overwrites the full run of the day', async (t) => {
  const date = new Date('2026-11-22T20:00:00Z');
  t.equal(resultsFileName(date, { settings: FULL_SETTINGS, only: [] }), '2026-11-22.json');
  t.equal(resultsFileName(date, { settings: QUICK_SETTINGS, only: [] }), '2026-11-22-snel.json');
  t.equal(resultsFileName(date, { settings: QUICK_SETTINGS, only: ['tls', 'bestand'] }), '2026-11-22-snel-alleen-tls+bestand.json');
});

t.test('help lists the scenarios', async (t) => {
  const text = helpText([{ id: 'tls', description: 'new connections' }]);
  t.match(text, /--snel/);
  t.match(text, /--alleen/);
  t.match(text, /  tls  new connections/);
});
