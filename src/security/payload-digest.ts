import { createHash, type Hash } from 'node:crypto';

/**
 * The `Digest` HTTP header of a body (RFC 3230), the only thing a payload signature signs.
 *
 * We produce and accept one algorithm, SHA-256 (`Digest: SHA-256=<base64>`): the ADR signing module
 * signs "the digest of the HTTP payload", and allowing a list or weaker algorithms would only add
 * ways to disagree about which digest was meant.
 */

/** The RFC 3230 algorithm token we produce; compared case-insensitively when reading (RFC 3230 §4.1.1). */
export const DIGEST_ALGORITHM = 'SHA-256';

/**
 * Incremental SHA-256 `Digest` of a body, for bodies that stream (a batch file of gigabytes is
 * digested chunk by chunk and never held in memory).
 *
 * @example
 * const digest = new BodyDigest();
 * for await (const chunk of stream) digest.update(chunk);
 * digest.digestHeader(); // 'SHA-256=…'
 */
export class BodyDigest {
  readonly #hash: Hash = createHash('sha256');
  #header: string | undefined;

  /** Adds the next chunk of the body. Throws once {@link digestHeader} has been read. */
  update(chunk: Uint8Array): this {
    if (this.#header !== undefined) throw new Error('BodyDigest.update() after digestHeader(): the digest is final.');
    this.#hash.update(chunk);
    return this;
  }

  /** The header value, `SHA-256=<base64>`, over all chunks so far; final from the first call on. */
  digestHeader(): string {
    // node:crypto allows digest() only once; remember it so a second call returns the same value.
    this.#header ??= `${DIGEST_ALGORITHM}=${this.#hash.digest('base64')}`;
    return this.#header;
  }
}

/** The `Digest` header value of a whole body in memory: `SHA-256=<base64>`. */
export function digestHeaderOf(body: Uint8Array): string {
  return new BodyDigest().update(body).digestHeader();
}

/**
 * The 32 SHA-256 bytes of a `Digest` header value, or `undefined` if the value is not exactly one
 * `SHA-256=<base64>` entry. A comma means an RFC 3230 list of several digests, which we do not take.
 */
export function sha256OfDigestHeader(value: string): Buffer | undefined {
  const match = /^([A-Za-z0-9-]+)=([A-Za-z0-9+/]{43}=)$/.exec(value.trim());
  if (!match || match[1]!.toUpperCase() !== DIGEST_ALGORITHM) return undefined;
  return Buffer.from(match[2]!, 'base64');
}
