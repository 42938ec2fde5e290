/**
 * A vendor runs Amsterdam's case system: it reads Amsterdam's new signals from the feed, from
 * where it was last time (the cursor is saved after each signal, so a restart neither skips nor
 * loses one), and reports an outcome for each.
 *
 *   npm run build && npx tsx examples/leverancier-feed.ts [--gateway URL] [--pki DIR] [--state DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AMSTERDAM, clientFor, exampleOptions } from './example-options.js';

const options = exampleOptions();
const vendor = clientFor(options, 'leverancier', AMSTERDAM);
const cursorFile = path.join(options.state, 'aanwijzingen.cursor');
mkdirSync(options.state, { recursive: true });
let saved: string | undefined;
try {
  saved = readFileSync(cursorFile, 'utf8').trim() || undefined;
} catch {
  saved = undefined; // the first run: from the beginning
}

let handled = 0;
let echoes = 0;
try {
  const feed = vendor.aanwijzingenFeed({ ...(saved ? { na: saved } : {}), limiet: 100 });
  for await (const aanwijzing of feed) {
    if (aanwijzing.status === 'AANGEBODEN' || aanwijzing.status === 'ONTVANGEN') {
      // Reporting is idempotent: the same report twice (after a crash) changes nothing.
      await vendor.geefTerugkoppeling(aanwijzing.id, { status: 'ONTVANGEN' });
      const reported = await vendor.geefTerugkoppeling(aanwijzing.id, { status: 'AFGEROND', uitkomst: 'CONTACT_GELEGD', toelichting: 'Gebeld; afspraak gemaakt.' });
      console.log(`${aanwijzing.kenmerk} (${aanwijzing.regeling}): contact made → ${reported.status}`);
      handled++;
    } else if (aanwijzing.status === 'ONDERDRUKT' || aanwijzing.status === 'INGETROKKEN' || aanwijzing.status === 'VERVANGEN') {
      // The feed also carries what happened to a signal later: close the case in your system.
      console.log(`${aanwijzing.kenmerk}: ${aanwijzing.status}${aanwijzing.status === 'ONDERDRUKT' ? ' (the person opted out: no content)' : ''}`);
      handled++;
    } else {
      echoes++; // our own report coming back through the feed (every change moves a signal to the end)
    }
    writeFileSync(cursorFile, feed.cursor ?? '');
  }
  console.log(`${handled} signal(s) handled, ${echoes} of our own reports seen back; the cursor is saved in ${cursorFile}`);
} finally {
  await vendor.close();
}
