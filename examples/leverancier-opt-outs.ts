/**
 * A vendor follows the persons in Amsterdam's case load and polls the joint opt-out register for
 * changes: follow indications are idempotent, the poll sends the last ETag (nothing new costs a
 * 304) and the cursor is saved, so the next run sees only what changed since.
 *
 *   npm run build && npx tsx examples/leverancier-opt-outs.ts [--gateway URL] [--pki DIR] [--state DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AMSTERDAM, clientFor, exampleOptions } from './example-options.js';

const options = exampleOptions();
const vendor = clientFor(options, 'leverancier', AMSTERDAM);
const stateFile = path.join(options.state, 'opt-outs.json');
mkdirSync(options.state, { recursive: true });
let state: { cursor?: string; etag?: string } = {};
try {
  state = JSON.parse(readFileSync(stateFile, 'utf8'));
} catch {
  state = {}; // the first run
}

try {
  const caseLoad = ['999999990', '111222333', '123456782'];
  const placed = await vendor.plaatsVolgindicaties({ burgerservicenummers: caseLoad });
  console.log(`following ${placed.aantal} person(s) for Amsterdam (${placed.gewijzigd} new)`);

  // One poll. With follow: true and wacht, the same feed long-polls until a change comes.
  const feed = vendor.optOutWijzigingenFeed({ ...(state.cursor ? { na: state.cursor } : {}), ...(state.etag ? { etag: state.etag } : {}) });
  let changes = 0;
  for await (const change of feed) {
    changes++;
    const scope = change.alleRegelingen ? 'all regelingen' : (change.regelingen ?? []).join(', ');
    console.log(`opt-out ${change.status === 'ACTIEF' ? 'registered' : 'withdrawn'} for a followed person (${scope})`);
  }
  console.log(changes === 0 ? 'no changes since the last poll' : `${changes} change(s)`);
  state = { ...(feed.cursor ? { cursor: feed.cursor } : {}), ...(feed.etag ? { etag: feed.etag } : {}) };
  writeFileSync(stateFile, JSON.stringify(state));
} finally {
  await vendor.close();
}
