import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { FlattenedSign, flattenedVerify, errors as joseErrors } from 'jose';
import { KetenpoortError } from '../errors.js';
import { BodyDigest, digestHeaderOf, sha256OfDigestHeader } from './payload-digest.js';

export { BodyDigest, digestHeaderOf } from './payload-digest.js';

/**
 * Payload signatures of the NL GOV API Design Rules signing module (rule `/signing/payload`): a
 * JAdES (ETSI TS 119 182-1) detached JWS in the `Payload-Signature` header that signs only the
 * `Digest` header (RFC 3230) of the body, never the body itself.
 *
 * What goes over the wire, as the EU reference implementation (esig/dss, module dss-jades) builds
 * and checks it for the HttpHeaders `sigD` mechanism:
 *
 * - protected header `{"alg":"PS256"|"ES256","x5t#S256":…,"iat":…,
 *   "sigD":{"mId":"http://uri.etsi.org/19182/HttpHeaders","pars":["digest"]},"b64":false,"crit":["b64","sigD"]}`;
 * - JWS payload: the signed header lines, `<lowercased name>: <trimmed value>` joined by `\n`, here
 *   the single line `digest: SHA-256=<base64>`, used unencoded (`b64: false`, RFC 7797);
 * - JWS signing input: `BASE64URL(protected header) || "." || payload bytes`;
 * - serialisation: compact with the payload detached (RFC 7515 appendix F): `<header>..<signature>`.
 *
 * The signing time is `iat` (NumericDate): TS 119 182-1 v1.2.1 requires it for signatures made from
 * 2025-07-15 on, replacing `sigT`. We still accept `sigT` (exactly one of the two), because senders
 * on older JAdES tooling, and earlier versions of this module, produce it.
 */

/** `mId` of the JAdES HttpHeaders mechanism. */
export const HTTP_HEADERS_MECHANISM = 'http://uri.etsi.org/19182/HttpHeaders';

/**
 * Algorithms accepted for payload signatures: PS256 (a MUST in the ADR signing module) and ES256
 * (PKIoverheid G4-style EC keys). RS256 is refused on purpose: the ADR names RSASSA-PSS, and
 * accepting PKCS#1 v1.5 as well would let two RSA signature schemes pass for the same key.
 */
export const PAYLOAD_SIGNATURE_ALGORITHMS = ['PS256', 'ES256'] as const;

/** An accepted payload-signature algorithm. */
export type PayloadSignatureAlgorithm = (typeof PAYLOAD_SIGNATURE_ALGORITHMS)[number];

/**
 * The stable problem codes of a refused payload signature (all status 400):
 * - `payload-signature-missing`: no `Payload-Signature` or no `Digest` header;
 * - `payload-signature-duplicate`: either header more than once (ADR: then the signature is invalid);
 * - `payload-signature-malformed`: not the profile's syntax: not `<header>..<signature>`, header not
 *   base64url JSON, `sigD`/`b64`/`crit`/signing time/certificate reference wrong, or `Digest` not one
 *   `SHA-256=<base64>`;
 * - `payload-signature-invalid`: a security refusal: algorithm not accepted (`none`, HS*, RS256, …),
 *   signature does not verify with the certificate it names, claimed signing time in the future, or
 *   the certificate is not valid now;
 * - `payload-signature-unknown-key`: no certificate registered for the sender matches or verifies;
 * - `digest-mismatch`: the `Digest` header is not the SHA-256 of the body (changed after signing).
 */
export type PayloadSignatureErrorCode =
  | 'payload-signature-missing'
  | 'payload-signature-duplicate'
  | 'payload-signature-malformed'
  | 'payload-signature-invalid'
  | 'payload-signature-unknown-key'
  | 'digest-mismatch';

/** A refused payload signature; names the header at fault in `invalidParams`, like other 400s. */
export class PayloadSignatureError extends KetenpoortError {
  constructor(code: PayloadSignatureErrorCode, header: 'Payload-Signature' | 'Digest', detail: string) {
    super(code, 400, 'Invalid payload signature', detail, {
      extensions: { invalidParams: [{ in: 'header', name: header, code, reason: detail }] },
    });
  }
}

/**
 * The body a signature is checked against: its bytes, or, for a body that streamed, its digest
 * (a finished {@link BodyDigest}, or the `SHA-256=<base64>` value it gave).
 */
export type PayloadBody = Uint8Array | BodyDigest | { readonly digestHeader: string };

/** A payload signature that verified. */
export interface VerifiedPayloadSignature {
  /** PEM of the registered certificate whose key made the signature, as it was passed in. */
  readonly certificate: string;
  /** That certificate's `x5t#S256`: base64url SHA-256 of its DER. */
  readonly thumbprint: string;
  /** That certificate's subject DN, as node:crypto renders it (one `attr=value` per line). */
  readonly subject: string;
  readonly algorithm: PayloadSignatureAlgorithm;
  /** The claimed signing time (`iat`, or `sigT` from older senders). */
  readonly signingTime: Date;
  /** The `Digest` header value that was signed, as received. */
  readonly digest: string;
  /** The `Payload-Signature` header value, as received: kept so a receiver can verify end to end. */
  readonly payloadSignature: string;
}

/** Parameters of the JAdES header that must be understood when listed in `crit`; any other is refused (RFC 7515 §4.1.11). */
const UNDERSTOOD_CRITICAL = new Set(['b64', 'sigD', 'iat', 'sigT']);
/** RFC 7797 §6 requires `b64` in `crit`; TS 119 182-1 §5.1.9 requires `sigD` there when present. */
const REQUIRED_CRITICAL = ['b64', 'sigD'] as const;
/** Clocks differ; a signing time further ahead than this is not a clock difference. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The JWS payload of the JAdES HttpHeaders mechanism: per signed header, the lowercased name, `": "`
 * and the value without surrounding whitespace, lines joined by `"\n"` without a final newline
 * (draft-cavage-http-signatures-10 §2.1.3, as TS 119 182-1 §5.2.8.2 refers to it).
 */
export function httpHeadersPayload(headers: ReadonlyArray<readonly [name: string, value: string]>): Uint8Array {
  return new TextEncoder().encode(headers.map(([name, value]) => `${name.trim().toLowerCase()}: ${value.trim()}`).join('\n'));
}

/** The one header a payload signature signs (`pars: ["digest"]`). */
function signedDigestPayload(digest: string): Uint8Array {
  return httpHeadersPayload([['digest', digest]]);
}

/**
 * Signs a `Digest` header value: what a sender does once it has digested its body (also a streamed
 * one, with {@link BodyDigest}).
 * @returns the `Payload-Signature` header value, `<header>..<signature>`
 * @throws TypeError when the digest is not `SHA-256=<base64>`, the key is not the certificate's, or the algorithm does not fit the key
 */
export async function signDigest(options: {
  digest: string; privateKey: KeyObject; certificatePem: string; alg?: PayloadSignatureAlgorithm; signingTime?: Date;
}): Promise<string> {
  const { digest, privateKey, certificatePem } = options;
  if (!sha256OfDigestHeader(digest)) throw new TypeError('digest must be a Digest header value "SHA-256=<base64>"');
  const certificate = certificateInfo(certificatePem);
  // A signature by a key other than the certificate's would only be refused by the receiver; say so here.
  if (!createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).equals(certificate.publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new TypeError('privateKey does not belong to the certificate');
  }
  const alg = options.alg ?? (privateKey.asymmetricKeyType === 'ec' ? 'ES256' : 'PS256');
  if (!keyFits(alg, certificate.publicKey)) throw new TypeError(`${alg} needs ${alg === 'PS256' ? 'an RSA key of at least 2048 bits' : 'an EC P-256 key'}`);
  const jws = await new FlattenedSign(signedDigestPayload(digest))
    .setProtectedHeader({
      alg,
      'x5t#S256': certificate.thumbprint,
      iat: Math.floor((options.signingTime ?? new Date()).getTime() / 1000),
      sigD: { mId: HTTP_HEADERS_MECHANISM, pars: ['digest'] },
      b64: false,
      crit: [...REQUIRED_CRITICAL],
    })
    .sign(privateKey, { crit: { sigD: true } });
  return `${jws.protected}..${jws.signature}`;
}

/**
 * What a sender (or the SDK) does: digest the body and sign the digest.
 * @returns the values of the `Digest` and `Payload-Signature` headers to send with exactly this body
 */
export async function signPayload(options: {
  body: Uint8Array; privateKey: KeyObject; certificatePem: string; alg?: PayloadSignatureAlgorithm; signingTime?: Date;
}): Promise<{ digest: string; payloadSignature: string }> {
  const { body, ...signing } = options;
  const digest = digestHeaderOf(body);
  return { digest, payloadSignature: await signDigest({ ...signing, digest }) };
}

/**
 * Verifies a delivery's payload signature against the certificates registered for its sender, and
 * that the signed `Digest` is the digest of the body.
 * @param options.payloadSignature every `Payload-Signature` header line received (an array when repeated)
 * @param options.digest every `Digest` header line received
 * @param options.body the exact body bytes, or the digest computed while streaming them
 * @param options.certificates PEM certificates registered for the sender
 * @param options.now the verification time (default: the wall clock)
 * @throws PayloadSignatureError (a {@link KetenpoortError}, 400) with a {@link PayloadSignatureErrorCode}
 */
export async function verifyPayloadSignature(options: {
  payloadSignature: string | string[] | undefined;
  digest: string | string[] | undefined;
  body: PayloadBody;
  certificates: readonly string[];
  now?: Date;
}): Promise<VerifiedPayloadSignature> {
  const headers = readHeaders(options.payloadSignature, options.digest);
  // The digest first: it needs no key, and "the body changed" is the most useful thing to hear.
  checkBodyDigest(headers.digest, options.body);
  return verifyHeaders(headers, options.certificates, options.now ?? new Date());
}

/**
 * The signature half of {@link verifyPayloadSignature}, for a body that has yet to stream: verify the
 * headers before reading gigabytes, then call {@link checkBodyDigest} with the {@link BodyDigest} at the end.
 * @throws PayloadSignatureError as {@link verifyPayloadSignature}, except `digest-mismatch`
 */
export async function verifySignedDigest(options: {
  payloadSignature: string | string[] | undefined;
  digest: string | string[] | undefined;
  certificates: readonly string[];
  now?: Date;
}): Promise<VerifiedPayloadSignature> {
  return verifyHeaders(readHeaders(options.payloadSignature, options.digest), options.certificates, options.now ?? new Date());
}

/**
 * Checks that a (signed) `Digest` header value is the SHA-256 of the body.
 * @throws PayloadSignatureError `digest-mismatch`, or `payload-signature-malformed` if `digest` is not `SHA-256=<base64>`
 */
export function checkBodyDigest(digest: string, body: PayloadBody): void {
  const claimed = digestBytes(digest);
  const actual = sha256OfDigestHeader(body instanceof Uint8Array ? digestHeaderOf(body)
    : body instanceof BodyDigest ? body.digestHeader() : body.digestHeader);
  if (!actual || !actual.equals(claimed)) {
    throw new PayloadSignatureError('digest-mismatch', 'Digest',
      'The Digest header is not the SHA-256 of the body: the body was changed after signing, or the digest is wrong.');
  }
}

interface SignedHeaders {
  readonly payloadSignature: string;
  readonly digest: string;
}

/** Exactly one of each header (ADR: a repeated `Payload-Signature` makes the signature invalid). */
function readHeaders(payloadSignature: string | string[] | undefined, digest: string | string[] | undefined): SignedHeaders {
  const signature = single(payloadSignature, 'Payload-Signature');
  // A compact JWS has no commas: a comma-separated list of them is repeated header lines that a
  // proxy folded into one (RFC 9110 §5.3), so still more than one signature.
  if (/^[\w.-]+(\s*,\s*[\w.-]+)+$/.test(signature)) throw duplicate('Payload-Signature');
  const value = single(digest, 'Digest');
  digestBytes(value);
  return { payloadSignature: signature, digest: value };
}

function single(value: string | string[] | undefined, header: 'Payload-Signature' | 'Digest'): string {
  const values = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => v.trim());
  if (values.length > 1) throw duplicate(header);
  if (!values[0]) throw new PayloadSignatureError('payload-signature-missing', header, `The ${header} header is required on a signed delivery.`);
  return values[0];
}

function duplicate(header: 'Payload-Signature' | 'Digest'): PayloadSignatureError {
  return new PayloadSignatureError('payload-signature-duplicate', header,
    `More than one ${header} header: the signature is invalid (ADR signing module). Send it once.`);
}

function digestBytes(digest: string): Buffer {
  const bytes = sha256OfDigestHeader(digest);
  if (!bytes) {
    throw new PayloadSignatureError('payload-signature-malformed', 'Digest',
      'The Digest header must be exactly one digest, "SHA-256=<base64 of the SHA-256 of the body>".');
  }
  return bytes;
}

function malformed(detail: string): PayloadSignatureError {
  return new PayloadSignatureError('payload-signature-malformed', 'Payload-Signature', detail);
}

function invalid(detail: string): PayloadSignatureError {
  return new PayloadSignatureError('payload-signature-invalid', 'Payload-Signature', detail);
}

function unknownKey(detail: string): PayloadSignatureError {
  return new PayloadSignatureError('payload-signature-unknown-key', 'Payload-Signature', detail);
}

/** The protected header, checked against the profile before any key is touched. */
interface ProfileHeader {
  readonly alg: PayloadSignatureAlgorithm;
  readonly signingTime: Date;
  /** Thumbprints the header names (`x5t#S256`, and of `x5c[0]`); empty: try every registered certificate. */
  readonly named: readonly string[];
}

function parseProfileHeader(encoded: string): ProfileHeader {
  const header = parseJson(Buffer.from(encoded, 'base64url').toString('utf8'));
  if (!isPlainObject(header)) throw malformed('The protected header of Payload-Signature is not a base64url-encoded JSON object.');

  const alg = header.alg;
  if (!(PAYLOAD_SIGNATURE_ALGORITHMS as readonly unknown[]).includes(alg)) {
    const shown = typeof alg === 'string' && /^[A-Za-z0-9]{1,16}$/.test(alg) ? `"${alg}"` : 'this algorithm';
    throw invalid(`Algorithm ${shown} is not accepted for payload signatures; use PS256 (or ES256).`);
  }

  const crit = header.crit;
  if (!Array.isArray(crit) || crit.length === 0 || !crit.every((p): p is string => typeof p === 'string') || new Set(crit).size !== crit.length) {
    throw malformed('crit must be an array of distinct header parameter names, including "b64" and "sigD".');
  }
  const notUnderstood = crit.find((p) => !UNDERSTOOD_CRITICAL.has(p));
  if (notUnderstood !== undefined) {
    const shown = /^[A-Za-z0-9#_-]{1,32}$/.test(notUnderstood) ? `"${notUnderstood}"` : 'a parameter';
    throw malformed(`crit lists ${shown}, which this gateway does not process; only b64, sigD, iat and sigT may be critical.`);
  }
  if (!REQUIRED_CRITICAL.every((p) => crit.includes(p))) throw malformed('crit must list "b64" and "sigD" (RFC 7797, ETSI TS 119 182-1).');
  if (!crit.every((p) => Object.hasOwn(header, p))) throw malformed('crit lists a parameter that the protected header does not have.');

  if (header.b64 !== false) throw malformed('b64 must be false: the JAdES HttpHeaders mechanism signs the header lines unencoded.');

  const sigD = header.sigD;
  if (!isPlainObject(sigD) || Object.keys(sigD).sort().join() !== 'mId,pars' || sigD.mId !== HTTP_HEADERS_MECHANISM
    || !Array.isArray(sigD.pars) || sigD.pars.length !== 1 || sigD.pars[0] !== 'digest') {
    throw malformed(`sigD must be exactly {"mId":"${HTTP_HEADERS_MECHANISM}","pars":["digest"]}: only the Digest header is signed.`);
  }

  return { alg: alg as PayloadSignatureAlgorithm, signingTime: signingTimeOf(header), named: namedThumbprints(header) };
}

/** Exactly one of `iat` (NumericDate, TS 119 182-1 v1.2.1) and `sigT` (RFC 3339, older JAdES). */
function signingTimeOf(header: Record<string, unknown>): Date {
  const { iat, sigT } = header;
  if ((iat === undefined) === (sigT === undefined)) throw malformed('The protected header must claim the signing time in exactly one of iat and sigT.');
  if (iat !== undefined) {
    if (typeof iat !== 'number' || !Number.isFinite(iat) || iat < 0) throw malformed('iat must be a NumericDate (seconds since 1970-01-01T00:00:00Z).');
    return new Date(Math.floor(iat) * 1000);
  }
  const time = typeof sigT === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(sigT) ? new Date(sigT) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw malformed('sigT must be an RFC 3339 date-time such as 2025-01-31T12:00:00Z.');
  return time;
}

/** The certificate the header points at, as thumbprints: `x5t#S256`, and that of `x5c[0]` when a chain is included. */
function namedThumbprints(header: Record<string, unknown>): string[] {
  const named: string[] = [];
  const x5t = header['x5t#S256'];
  if (x5t !== undefined) {
    if (typeof x5t !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(x5t)) throw malformed('x5t#S256 must be the base64url SHA-256 of the signing certificate.');
    named.push(x5t);
  }
  const x5c = header.x5c;
  if (x5c !== undefined) {
    const der = Array.isArray(x5c) && typeof x5c[0] === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(x5c[0]) ? Buffer.from(x5c[0], 'base64') : undefined;
    let thumbprint: string | undefined;
    try {
      if (der) thumbprint = createHash('sha256').update(new X509Certificate(der).raw).digest('base64url');
    } catch {
      thumbprint = undefined;
    }
    if (!thumbprint) throw malformed('x5c must be an array of base64 DER certificates, the signing certificate first.');
    named.push(thumbprint);
  }
  return named;
}

async function verifyHeaders(headers: SignedHeaders, certificates: readonly string[], now: Date): Promise<VerifiedPayloadSignature> {
  const parts = headers.payloadSignature.split('.');
  if (parts.length !== 3) throw malformed('Payload-Signature must be a compact JWS with detached content: "<protected header>..<signature>".');
  const [encodedHeader, content, signature] = parts as [string, string, string];
  if (content !== '') throw malformed('The JWS content must be detached (RFC 7515 appendix F): nothing may stand between the two dots.');
  if (!BASE64URL.test(encodedHeader)) throw malformed('The protected header of Payload-Signature is not base64url.');
  // The header before the signature part, so that `alg: none` (whose signature is empty) is refused as such.
  const header = parseProfileHeader(encodedHeader);
  if (!BASE64URL.test(signature)) throw malformed('The signature part of Payload-Signature is missing or not base64url.');

  if (header.signingTime.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    throw invalid('The claimed signing time is in the future.');
  }

  const registered = certificates.map(certificateInfo);
  if (registered.length === 0) throw unknownKey('No certificate is registered for payload signatures of this sender.');
  const candidates = registered.filter((c) => header.named.every((t) => t === c.thumbprint));
  if (candidates.length === 0) throw unknownKey('The certificate named in the signature (x5t#S256 or x5c) is not registered for this sender.');
  const usable = candidates.filter((c) => keyFits(header.alg, c.publicKey));
  if (usable.length === 0) {
    throw header.named.length > 0
      ? invalid(`The key of the named certificate cannot make ${header.alg} signatures.`)
      : unknownKey(`No certificate registered for this sender has a key for ${header.alg}.`);
  }

  const payload = signedDigestPayload(headers.digest);
  for (const certificate of usable) {
    try {
      await flattenedVerify({ protected: encodedHeader, payload, signature }, certificate.publicKey, {
        algorithms: [header.alg],
        crit: { sigD: true, iat: true, sigT: true },
      });
    } catch (error) {
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue; // not this key; try the next
      throw translateJoseError(error);
    }
    if (now < certificate.validFrom || now > certificate.validTo) throw invalid('The signing certificate is not valid at this time.');
    return {
      certificate: certificate.pem,
      thumbprint: certificate.thumbprint,
      subject: certificate.subject,
      algorithm: header.alg,
      signingTime: header.signingTime,
      digest: headers.digest,
      payloadSignature: headers.payloadSignature,
    };
  }
  throw header.named.length > 0
    ? invalid('The payload signature does not verify with the certificate it names.')
    : unknownKey('No certificate registered for this sender verifies the signature.');
}

/** jose errors by class (never by message); the profile checks above should leave none but a bad signature. */
function translateJoseError(error: unknown): unknown {
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return invalid('The algorithm of the payload signature is not accepted.');
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JOSENotSupported) return malformed('Payload-Signature is not a valid JWS.');
  return error;
}

/** Whether a key can make signatures of `alg` (jose refuses RSA keys under 2048 bits). */
function keyFits(alg: PayloadSignatureAlgorithm, key: KeyObject): boolean {
  const details = key.asymmetricKeyDetails;
  return alg === 'PS256'
    ? (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') && (details?.modulusLength ?? 0) >= 2048
    : key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface CertificateInfo {
  readonly pem: string;
  readonly thumbprint: string;
  readonly subject: string;
  readonly publicKey: KeyObject;
  readonly validFrom: Date;
  readonly validTo: Date;
}

/** Parsed registered certificates, by PEM: they are few (configuration) and checked on every delivery. */
const certificateCache = new Map<string, CertificateInfo>();
const CERTIFICATE_CACHE_LIMIT = 1000;

function certificateInfo(pem: string): CertificateInfo {
  let info = certificateCache.get(pem);
  if (!info) {
    const certificate = new X509Certificate(pem);
    info = {
      pem,
      thumbprint: createHash('sha256').update(certificate.raw).digest('base64url'),
      subject: certificate.subject,
      publicKey: certificate.publicKey,
      // validFrom/validTo strings ("Jan  1 00:00:00 2026 GMT") because validFromDate is not in Node 20.
      validFrom: new Date(certificate.validFrom),
      validTo: new Date(certificate.validTo),
    };
    // A bound, not an LRU: this only guards against a registry that keeps changing PEM text.
    if (certificateCache.size >= CERTIFICATE_CACHE_LIMIT) certificateCache.clear();
    certificateCache.set(pem, info);
  }
  return info;
}

/** The `x5t#S256` of a PEM certificate (the first, if it is a chain): base64url SHA-256 of its DER. */
export function thumbprint(pem: string): string {
  return certificateInfo(pem).thumbprint;
}
