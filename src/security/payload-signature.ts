import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { FlattenedSign, flattenedVerify, errors as joseErrors } from 'jose';
import { KetenpoortError } from '../errors.js';

/**
 * Payload signatures of the ADR signing module: a JAdES detached JWS (compact, `header..signature`)
 * in the `Payload-Signature` header, signing only the `Digest` header (RFC 3230) of the body.
 *
 * JAdES "HttpHeaders" mechanism: the protected header carries
 * `sigD: { mId: 'http://uri.etsi.org/19182/HttpHeaders', pars: ['digest'] }`; the JWS payload is
 * not the body but the signed header lines, `digest: SHA-256=<base64>`, unencoded (`b64: false`,
 * RFC 7797), and detached. `sigT` (claimed signing time) and `x5t#S256` (the signing certificate)
 * complete a JAdES baseline-B header; `crit` lists the extension parameters a verifier must know.
 */

/** `mId` of the JAdES HttpHeaders mechanism. */
export const HTTP_HEADERS_MECHANISM = 'http://uri.etsi.org/19182/HttpHeaders';
/** Algorithms accepted for payload signatures: PS256 (MUST in the ADR signing module) and ES256. */
export const PAYLOAD_SIGNATURE_ALGORITHMS = ['PS256', 'ES256'] as const;
const CRIT = ['sigT', 'sigD', 'b64'];

/** Incremental `Digest` of a body, usable while it streams. */
export class BodyDigest {
  readonly #hash = createHash('sha256');

  update(chunk: Uint8Array): this {
    this.#hash.update(chunk);
    return this;
  }

  /** The RFC 3230 header value, `SHA-256=<base64>`. Call once, at the end. */
  digestHeader(): string {
    return `SHA-256=${this.#hash.digest('base64')}`;
  }
}

/** The `Digest` header value of a whole body. */
export function digestHeaderOf(body: Uint8Array): string {
  return new BodyDigest().update(body).digestHeader();
}

/** The JWS payload for `pars: ["digest"]`: the header line as it is signed. */
function signedHeaderLines(digest: string): Uint8Array {
  return new TextEncoder().encode(`digest: ${digest}`);
}

/** What a sender (or the SDK) does: digest the body and sign the digest. */
export async function signPayload(options: {
  body: Uint8Array; privateKey: KeyObject; certificatePem: string; alg?: 'PS256' | 'ES256'; signingTime?: Date;
}): Promise<{ digest: string; payloadSignature: string }> {
  const digest = digestHeaderOf(options.body);
  const alg = options.alg ?? 'PS256';
  const jws = await new FlattenedSign(signedHeaderLines(digest))
    .setProtectedHeader({
      alg,
      'x5t#S256': thumbprint(options.certificatePem),
      sigT: (options.signingTime ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      sigD: { mId: HTTP_HEADERS_MECHANISM, pars: ['digest'] },
      b64: false,
      crit: CRIT,
    })
    .sign(options.privateKey, { crit: { sigT: true, sigD: true } });
  return { digest, payloadSignature: `${jws.protected}..${jws.signature}` };
}

/** A verified payload signature. */
export interface VerifiedPayloadSignature {
  /** PEM of the registered certificate whose key made the signature. */
  readonly certificate: string;
  readonly thumbprint: string;
  readonly algorithm: string;
  /** The claimed signing time (`sigT`). */
  readonly signingTime: Date;
}

function refuse(code: string, detail: string): KetenpoortError {
  return new KetenpoortError(code, 400, 'Invalid payload signature', detail);
}

/**
 * Verifies a payload signature against the certificates registered for the sender.
 * @param options.body the exact body bytes, or the digest computed while streaming it
 * @throws KetenpoortError 400: `payload-signature-missing`, `payload-signature-duplicate`,
 *   `payload-signature-malformed`, `digest-mismatch`, `payload-signature-unknown-key`, `payload-signature-invalid`
 */
export async function verifyPayloadSignature(options: {
  payloadSignature: string | string[] | undefined;
  digest: string | string[] | undefined;
  body: Uint8Array | { digestHeader: string };
  certificates: readonly string[];
  now?: Date;
}): Promise<VerifiedPayloadSignature> {
  const signature = single(options.payloadSignature, 'Payload-Signature');
  const digest = single(options.digest, 'Digest');
  const actual = 'digestHeader' in options.body ? options.body.digestHeader : digestHeaderOf(options.body);
  if (!/^SHA-256=[A-Za-z0-9+/]{43}=$/.test(digest)) {
    throw refuse('payload-signature-malformed', 'The Digest header must be "SHA-256=<base64 of the SHA-256 of the body>".');
  }
  if (digest !== actual) throw refuse('digest-mismatch', 'The Digest header does not match the body: the body was changed after signing, or the digest is wrong.');

  const parts = signature.split('.');
  if (parts.length !== 3 || parts[1] !== '' || !parts[0] || !parts[2]) {
    throw refuse('payload-signature-malformed', 'Payload-Signature must be a detached compact JWS: "<protected header>..<signature>".');
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw refuse('payload-signature-malformed', 'The protected header of Payload-Signature is not base64url JSON.');
  }
  const alg = String(header.alg);
  if (!(PAYLOAD_SIGNATURE_ALGORITHMS as readonly string[]).includes(alg)) {
    throw refuse('payload-signature-invalid', `Algorithm "${alg}" is not accepted; use PS256 (or ES256).`);
  }
  const sigD = header.sigD as { mId?: unknown; pars?: unknown } | undefined;
  if (!sigD || sigD.mId !== HTTP_HEADERS_MECHANISM || !Array.isArray(sigD.pars) || sigD.pars.length !== 1 || sigD.pars[0] !== 'digest') {
    throw refuse('payload-signature-malformed', `sigD must be {"mId":"${HTTP_HEADERS_MECHANISM}","pars":["digest"]}.`);
  }
  if (header.b64 !== false) throw refuse('payload-signature-malformed', 'The JAdES HttpHeaders mechanism signs the unencoded header lines: b64 must be false.');
  const signingTime = typeof header.sigT === 'string' ? new Date(header.sigT) : undefined;
  if (!signingTime || Number.isNaN(signingTime.getTime())) throw refuse('payload-signature-malformed', 'sigT (the signing time) is missing or not a date-time.');

  const wanted = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
  const candidates = options.certificates.filter((pem) => wanted === undefined || thumbprint(pem) === wanted);
  if (candidates.length === 0) {
    throw refuse('payload-signature-unknown-key', 'The signing certificate is not registered for this sender.');
  }
  for (const pem of candidates) {
    try {
      await flattenedVerify({ protected: parts[0], payload: signedHeaderLines(digest), signature: parts[2] }, publicKeyOf(pem), {
        algorithms: [...PAYLOAD_SIGNATURE_ALGORITHMS],
        crit: { sigT: true, sigD: true },
      });
      return { certificate: pem, thumbprint: thumbprint(pem), algorithm: alg, signingTime };
    } catch (error) {
      if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof TypeError) continue;
      if (error instanceof joseErrors.JOSEError) throw refuse('payload-signature-invalid', `The payload signature was not accepted (${error.code}).`);
      throw error;
    }
  }
  throw refuse(wanted === undefined ? 'payload-signature-unknown-key' : 'payload-signature-invalid',
    wanted === undefined ? 'No certificate registered for this sender verifies the signature.' : 'The payload signature does not verify.');
}

function single(value: string | string[] | undefined, name: string): string {
  if (value === undefined || value === '') throw refuse('payload-signature-missing', `The ${name} header is required on a signed delivery.`);
  if (Array.isArray(value)) {
    if (value.length === 1) return value[0]!;
    throw refuse('payload-signature-duplicate', `More than one ${name} header: the signature is invalid (ADR signing module).`);
  }
  return value;
}

const thumbprints = new Map<string, string>();
const publicKeys = new Map<string, KeyObject>();

/** base64url SHA-256 of the certificate's DER (`x5t#S256`), memoised: registered certificates are few. */
export function thumbprint(pem: string): string {
  let value = thumbprints.get(pem);
  if (!value) {
    value = createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
    thumbprints.set(pem, value);
  }
  return value;
}

function publicKeyOf(pem: string): KeyObject {
  let key = publicKeys.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    publicKeys.set(pem, key);
  }
  return key;
}
