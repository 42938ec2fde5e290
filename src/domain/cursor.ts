import { InvalidInputError } from '../errors.js';

const PREFIX = 'v1.';

/**
 * Cursors (feeds, the processing log) are opaque to clients: a versioned, base64url-encoded feed position. Opaque so the
 * representation can change (e.g. per-partition positions) without breaking stored cursors.
 */
export function encodeCursor(position: number): string {
  return Buffer.from(`${PREFIX}${position}`).toString('base64url');
}

/** @throws InvalidInputError for anything that is not a cursor this gateway handed out */
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  const position = text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new InvalidInputError('The cursor is not one this gateway handed out; start without `na` or use `volgende` of a page.', [
      { in: 'query', name: 'na', code: 'cursor', reason: 'not a valid cursor' },
    ]);
  }
  return position;
}
