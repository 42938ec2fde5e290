import { createHash, createHmac, type Hash } from 'node:crypto';

/**
 * Turns a BSN into a stable pseudonym with a keyed hash (HMAC-SHA-256). Without the key the
 * pseudonym cannot be reversed by trying all 10⁹ BSNs, which a plain hash could. With the key, an
 * access request ("what did you process about me?") finds the records of one person.
 */
export class Pseudonymiser {
  readonly #inner: Hash;
  readonly #outer: Hash;

  constructor(key: Buffer) {
    if (key.length < 32) throw new RangeError('the pseudonymisation key needs at least 32 bytes');
    // HMAC (RFC 2104) with the keyed inner and outer hash states computed once: a 10,000-BSN
    // look-up pseudonymises 10,000 times, and createHmac per call costs about twice as much.
    const block = Buffer.alloc(64);
    (key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
    this.#inner = createHash('sha256').update(block.map((b) => b ^ 0x36));
    this.#outer = createHash('sha256').update(block.map((b) => b ^ 0x5c));
  }

  /** The pseudonym of one BSN: HMAC-SHA-256, 64 hex characters. */
  pseudonym(bsn: string): string {
    return this.#outer.copy().update(this.#inner.copy().update(bsn).digest()).digest('hex');
  }
}

/** The same HMAC computed the plain way; tests use it to prove the fast path equal. */
export function referencePseudonym(key: Buffer, bsn: string): string {
  return createHmac('sha256', key).update(bsn).digest('hex');
}
