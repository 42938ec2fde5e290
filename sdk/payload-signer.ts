import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { signDigest, signPayload, type PayloadSignatureAlgorithm } from '../src/security/payload-signature.js';
import { KetenpoortSdkError } from './sdk-error.js';
import { readPem, type PemInput } from './tls-material.js';

export type { PayloadSignatureAlgorithm } from '../src/security/payload-signature.js';

/**
 * Which key signs deliveries (ADR signing module: a JAdES detached JWS over the body's `Digest`).
 * By default the mTLS key and certificate, with PS256; ES256 needs an EC P-256 key.
 */
export interface SigningOptions {
  /** `PS256` (default for RSA keys) or `ES256` (default, and the only choice, for EC keys). */
  alg?: PayloadSignatureAlgorithm;
  /** A signing key other than the mTLS key; its certificate must be registered for the party. */
  key?: PemInput;
  /** The certificate of that key (PEM; the first certificate is used). */
  certificate?: PemInput;
  passphrase?: string;
}

/** The two headers that make a body a signed delivery. */
export interface SignedHeaders {
  /** `Digest: SHA-256=<base64>` of the exact body bytes. */
  readonly digest: string;
  /** `Payload-Signature`: the JAdES detached JWS over the digest. */
  readonly payloadSignature: string;
}

/** Signs delivery bodies with the gateway's own signing code (`src/security/payload-signature.ts`). */
export class PayloadSigner {
  readonly alg: PayloadSignatureAlgorithm;
  readonly #key: KeyObject;
  readonly #certificatePem: string;

  /**
   * @param fallback the mTLS key and certificate, used when `options` names no key of its own
   * @throws KetenpoortSdkError `key-invalid`, `certificate-invalid`, `key-certificate-mismatch`, `option-invalid`
   */
  constructor(options: SigningOptions, fallback: { key: KeyObject; certificatePem: string }) {
    if ((options.key === undefined) !== (options.certificate === undefined)) {
      throw optionError('signing.key and signing.certificate go together: give both, or neither to sign with the mTLS key.');
    }
    this.#key = options.key === undefined ? fallback.key : parseKey(readPem(options.key, 'signing.key'), options.passphrase);
    this.#certificatePem = options.certificate === undefined ? fallback.certificatePem : readPem(options.certificate, 'signing.certificate');
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(this.#certificatePem);
    } catch (error) {
      throw new KetenpoortSdkError({ code: 'certificate-invalid', title: 'Invalid certificate', detail: 'signing.certificate is not a PEM certificate.', cause: error });
    }
    if (!certificate.checkPrivateKey(this.#key)) {
      throw new KetenpoortSdkError({ code: 'key-certificate-mismatch', title: 'Key does not match certificate', detail: 'signing.key is not the private key of signing.certificate.' });
    }
    const ec = this.#key.asymmetricKeyType === 'ec';
    this.alg = options.alg ?? (ec ? 'ES256' : 'PS256');
    if ((this.alg === 'ES256') !== ec) {
      throw optionError(`signing.alg ${this.alg} needs ${this.alg === 'ES256' ? 'an EC P-256 key' : 'an RSA key'}; the signing key is ${this.#key.asymmetricKeyType}.`);
    }
  }

  /** The `Digest` and `Payload-Signature` headers for exactly these body bytes. */
  async sign(body: Uint8Array): Promise<SignedHeaders> {
    try {
      return await signPayload({ body, privateKey: this.#key, certificatePem: this.#certificatePem, alg: this.alg });
    } catch (error) {
      // signPayload throws TypeError for a key that cannot make this algorithm (e.g. RSA under 2048 bits).
      if (error instanceof TypeError) throw optionError(`The signing key cannot make ${this.alg} payload signatures (RSA ≥ 2048 bits for PS256, EC P-256 for ES256).`, error);
      throw error;
    }
  }

  /** The `Payload-Signature` over a `Digest` computed elsewhere (a file digested while streaming). */
  async signDigest(digest: string): Promise<string> {
    try {
      return await signDigest({ digest, privateKey: this.#key, certificatePem: this.#certificatePem, alg: this.alg });
    } catch (error) {
      if (error instanceof TypeError) throw optionError(`Cannot sign this digest with ${this.alg}: ${error.message}`, error);
      throw error;
    }
  }
}

function parseKey(pem: string, passphrase: string | undefined): KeyObject {
  try {
    return createPrivateKey(passphrase !== undefined ? { key: pem, passphrase } : pem);
  } catch (error) {
    throw new KetenpoortSdkError({ code: 'key-invalid', title: 'Invalid private key', detail: 'signing.key is not a PEM private key (or signing.passphrase is wrong).', cause: error });
  }
}

function optionError(detail: string, cause?: unknown): KetenpoortSdkError {
  return new KetenpoortSdkError({ code: 'option-invalid', title: 'Invalid signing option', detail, ...(cause !== undefined ? { cause } : {}) });
}
