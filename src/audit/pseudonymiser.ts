import { createHmac } from 'node:crypto';

/**
 * Turns a BSN into a stable pseudonym with a keyed hash (HMAC-SHA-256). Without the key the
 * pseudonym cannot be reversed by trying all 10⁹ BSNs, which a plain hash could. With the key, an
 * access request ("what did you process about me?") finds the records of one person.
 */
export class Pseudonymiser {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new RangeError('the pseudonymisation key needs at least 32 bytes');
    this.#key = key;
  }

  /** The pseudonym of one BSN: 64 hex characters. */
  pseudonym(bsn: string): string {
    return createHmac('sha256', this.#key).update(bsn).digest('hex');
  }
}
