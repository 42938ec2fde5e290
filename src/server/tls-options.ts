import type { SecureContextOptions, TlsOptions } from 'node:tls';

/** PEM material of the API port. */
export interface TlsMaterial {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** Trust anchors for client certificates. */
  readonly ca: string | Buffer;
  /** CRLs of every CA in the client chain (OpenSSL checks the whole chain once CRLs are given). */
  readonly crl?: string | Buffer;
}

/**
 * TLS 1.2 suites with forward secrecy (ECDHE) and AEAD only, as the Digikoppeling / NCSC TLS
 * guidelines ask; TLS 1.3 suites are all forward secret and stay at Node's defaults.
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

/**
 * Server options of the API port: a client certificate is always requested; the handshake is let
 * through even when it does not verify so that the gateway can answer with a problem+json that says
 * why (expired, revoked, unknown CA). No request is served without a verified certificate
 * (see `ConnectionIdentifier`).
 */
export function tlsServerOptions(material: TlsMaterial, minVersion: 'TLSv1.2' | 'TLSv1.3'): TlsOptions & SecureContextOptions {
  return {
    key: material.key,
    cert: material.cert,
    ca: material.ca,
    ...(material.crl ? { crl: splitPemBlocks(String(material.crl)) } : {}),
    requestCert: true,
    rejectUnauthorized: false,
    minVersion,
    ciphers: TLS12_CIPHERS,
    honorCipherOrder: true,
  };
}

/**
 * Splits concatenated PEM blocks. Node reads only the first CRL of a single PEM string, so a
 * `crls.pem` with the root's and the intermediate's CRL must be passed as an array — otherwise
 * OpenSSL (which checks the whole chain once CRLs are set) finds no CRL for one CA and refuses every
 * client with UNABLE_TO_GET_CRL.
 */
export function splitPemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g) ?? [];
}
