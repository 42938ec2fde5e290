import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { isValidOin, oinFromSubject } from '../src/security/oin.js';
import { KetenpoortSdkError, type SdkErrorCode } from './sdk-error.js';

/**
 * A PEM input: a file path, PEM text (a string that contains `-----BEGIN`), or PEM bytes.
 * @example 'certs/dev/partijen/uwv/chain.pem'
 */
export type PemInput = string | Uint8Array;

/** The caller's mutual-TLS material. */
export interface TlsOptions {
  /** Certificate chain, the party's certificate first (PKIoverheid: certificate + intermediates). */
  certificate: PemInput;
  /** The certificate's private key (PKCS#8 or PKCS#1 PEM). */
  key: PemInput;
  /** Passphrase of an encrypted key. */
  passphrase?: string;
  /** The roots that vouch for the gateway's certificate (PKIoverheid Private Root, or certs/dev/ca/trust-anchors.pem). */
  trustAnchors: PemInput;
}

/** The material, read and checked. */
export interface TlsMaterial {
  readonly chainPem: string;
  /** The party's own certificate (the first of the chain), PEM. */
  readonly certificatePem: string;
  readonly certificate: X509Certificate;
  readonly key: KeyObject;
  readonly trustAnchorsPem: string;
  /** The OIN in the certificate's subject `serialNumber`, if it has a 20-digit one. */
  readonly oin: string | undefined;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads and checks the mTLS material up front, so a mistake is one clear error at start-up rather
 * than a TLS failure on the first call: files exist, the certificate and key parse, the key belongs
 * to the certificate (`X509Certificate.checkPrivateKey`), the trust anchors are certificates.
 * @throws KetenpoortSdkError `tls-file-unreadable`, `certificate-invalid`, `key-invalid`,
 *   `key-certificate-mismatch`, `trust-anchors-invalid`
 */
export function loadTlsMaterial(options: TlsOptions): TlsMaterial {
  const chainPem = readPem(options.certificate, 'tls.certificate');
  const certificates = chainPem.match(PEM_CERTIFICATE) ?? [];
  const certificate = parseCertificate(certificates[0], 'certificate-invalid',
    `tls.certificate (${describe(options.certificate)}) holds no PEM certificate; give the party's certificate chain (chain.pem).`);

  const keyPem = readPem(options.key, 'tls.key');
  let key: KeyObject;
  try {
    key = createPrivateKey(options.passphrase !== undefined ? { key: keyPem, passphrase: options.passphrase } : keyPem);
  } catch (error) {
    throw configError('key-invalid', 'Invalid private key',
      `tls.key (${describe(options.key)}) is not a PEM private key${options.passphrase === undefined ? ' (or it is encrypted: give tls.passphrase)' : ', or tls.passphrase is wrong'}.`, error);
  }
  if (!certificate.checkPrivateKey(key)) {
    throw configError('key-certificate-mismatch', 'Key does not match certificate',
      `tls.key (${describe(options.key)}) is not the private key of the certificate in tls.certificate (${describe(options.certificate)}, subject ${certificate.subject.replaceAll('\n', ', ')}): use the key.pem that was issued with this certificate.`);
  }

  const trustAnchorsPem = readPem(options.trustAnchors, 'tls.trustAnchors');
  const anchors = trustAnchorsPem.match(PEM_CERTIFICATE) ?? [];
  if (anchors.length === 0) {
    throw configError('trust-anchors-invalid', 'Invalid trust anchors', `tls.trustAnchors (${describe(options.trustAnchors)}) holds no PEM certificate.`);
  }
  for (const anchor of anchors) {
    parseCertificate(anchor, 'trust-anchors-invalid', `tls.trustAnchors (${describe(options.trustAnchors)}) holds a certificate that cannot be parsed.`);
  }

  const oin = oinFromSubject(certificate.subject);
  return {
    chainPem, certificatePem: certificates[0]!, certificate, key, trustAnchorsPem,
    oin: oin !== undefined && isValidOin(oin) ? oin : undefined,
  };
}

/** An undici Agent that presents the party's certificate and trusts only the given anchors. */
export function mutualTlsAgent(material: TlsMaterial, options: { timeoutMs: number; connections?: number }): Agent {
  return new Agent({
    connections: options.connections ?? 16,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: {
      cert: material.chainPem,
      key: material.key.export({ type: 'pkcs8', format: 'pem' }),
      ca: material.trustAnchorsPem,
      rejectUnauthorized: true,
    },
  });
}

/** A PEM input as text. */
export function readPem(input: PemInput, option: string): string {
  if (typeof input !== 'string') return Buffer.from(input).toString('utf8');
  if (input.includes('-----BEGIN')) return input;
  try {
    return readFileSync(input, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'no permission to read it' : code === 'EISDIR' ? 'it is a directory' : `error ${code ?? 'unknown'}`;
    throw configError('tls-file-unreadable', 'File not readable', `${option}: cannot read ${input} (${why}); give the path of a PEM file, relative to ${process.cwd()} or absolute.`, error);
  }
}

function parseCertificate(pem: string | undefined, code: SdkErrorCode, detail: string): X509Certificate {
  try {
    if (pem !== undefined) return new X509Certificate(pem);
  } catch (error) {
    throw configError(code, 'Invalid certificate', detail, error);
  }
  throw configError(code, 'Invalid certificate', detail);
}

function describe(input: PemInput): string {
  return typeof input === 'string' && !input.includes('-----BEGIN') ? input : 'PEM given inline';
}

function configError(code: SdkErrorCode, title: string, detail: string, cause?: unknown): KetenpoortSdkError {
  return new KetenpoortSdkError({ code, title, detail, ...(cause !== undefined ? { cause } : {}) });
}
