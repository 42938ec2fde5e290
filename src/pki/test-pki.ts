import { webcrypto, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;

/** A party to issue a leaf certificate for. */
export interface PartySpec {
  /** Registry id, used as the folder name (`partijen/<id>/`). */
  readonly id: string;
  readonly oin: string;
  readonly naam: string;
  /** Subject CN and DNS name; default `<id>.test.ketenpoort.local`. */
  readonly host?: string;
}

/** Where each file of a PKI directory is; callers never build these paths by hand. */
export interface PkiLayout {
  readonly dir: string;
  readonly rootCert: string;
  readonly rootKey: string;
  readonly intermediateCert: string;
  readonly intermediateKey: string;
  readonly rootCrl: string;
  readonly intermediateCrl: string;
  /** The root alone: what the gateway trusts for client certificates. */
  readonly trustAnchors: string;
  /** Both CRLs, concatenated: what the gateway reads as `KETENPOORT_TLS_CRL`. */
  readonly crls: string;
  /** Revoked serials of the intermediate (hex, one per line), so a CRL can be re-issued. */
  readonly revoked: string;
  readonly serverChain: string;
  readonly serverKey: string;
  /** A party's leaf: `cert.pem` (leaf), `chain.pem` (leaf + intermediate), `key.pem` (PKCS#8). */
  party(id: string): LeafFiles;
}

/** The files of one leaf certificate. */
export interface LeafFiles {
  readonly cert: string;
  readonly chain: string;
  readonly key: string;
}

/** Key types: RSA 2048 (PKIoverheid G1-style, and what PS256 payload signatures need) or ECDSA P-256 (G4-style). */
export type KeyType = 'rsa' | 'ec';

/** A certificate policy OID under the PKIoverheid arc, clearly marked as TEST (not a real policy). */
export const TEST_POLICY_OID = '2.16.528.1.1003.1.2.99.1';

const RSA = (modulusLength: number): webcrypto.RsaHashedKeyGenParams => ({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength });
const EC: webcrypto.EcKeyGenParams & { hash: string } = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** The file layout of a PKI directory. */
export function loadPkiLayout(dir: string): PkiLayout {
  const ca = (file: string) => path.join(dir, 'ca', file);
  return {
    dir,
    rootCert: ca('root.crt.pem'),
    rootKey: ca('root.key.pem'),
    intermediateCert: ca('intermediate.crt.pem'),
    intermediateKey: ca('intermediate.key.pem'),
    rootCrl: ca('root.crl.pem'),
    intermediateCrl: ca('intermediate.crl.pem'),
    trustAnchors: ca('trust-anchors.pem'),
    crls: ca('crls.pem'),
    revoked: ca('revoked.txt'),
    serverChain: path.join(dir, 'server', 'gateway.crt.pem'),
    serverKey: path.join(dir, 'server', 'gateway.key.pem'),
    party: (id) => leafFiles(path.join(dir, 'partijen', id)),
  };
}

/** The files of a leaf written to `dir`. */
export function leafFiles(dir: string): LeafFiles {
  return { cert: path.join(dir, 'cert.pem'), chain: path.join(dir, 'chain.pem'), key: path.join(dir, 'key.pem') };
}

interface Issuer {
  cert: x509.X509Certificate;
  key: CryptoKey;
  algorithm: Algorithm;
}

/**
 * Creates a PKIoverheid-like test hierarchy in `dir`: a root, an intermediate, a leaf per party, a
 * TLS server certificate for the gateway, and a (still empty) CRL for each CA — OpenSSL checks the
 * CRL of every CA in the chain once CRLs are configured.
 */
export async function initDevPki(options: { dir: string; parties: readonly PartySpec[]; gatewayHosts?: readonly string[]; keyType?: KeyType; now?: Date }): Promise<PkiLayout> {
  const layout = loadPkiLayout(options.dir);
  const now = options.now ?? new Date();
  const start = new Date(now.getTime() - HOUR); // tolerate clock skew between machines
  mkdirSync(path.dirname(layout.rootCert), { recursive: true });

  const rootKeys = await generate('rsa', 3072);
  const rootName = 'C=NL, O=Ketenpoort TEST, CN=Ketenpoort TEST Private Root CA - G1';
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(), name: rootName, notBefore: start, notAfter: new Date(start.getTime() + 10 * 365 * DAY),
    signingAlgorithm: RSA(3072), keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const rootIssuer: Issuer = { cert: root, key: rootKeys.privateKey, algorithm: RSA(3072) };

  const intermediateKeys = await generate('rsa', 3072);
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(), subject: 'C=NL, O=Ketenpoort TEST, CN=Ketenpoort TEST Private Services CA - G1', issuer: root.subject,
    notBefore: start, notAfter: new Date(start.getTime() + 5 * 365 * DAY), signingAlgorithm: RSA(3072),
    publicKey: intermediateKeys.publicKey, signingKey: rootKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(intermediateKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(root),
      new x509.CertificatePolicyExtension([TEST_POLICY_OID]),
    ],
  });

  writeFileSync(layout.rootCert, root.toString('pem') + '\n');
  writeFileSync(layout.rootKey, await pkcs8(rootKeys.privateKey), { mode: 0o600 });
  writeFileSync(layout.intermediateCert, intermediate.toString('pem') + '\n');
  writeFileSync(layout.intermediateKey, await pkcs8(intermediateKeys.privateKey), { mode: 0o600 });
  writeFileSync(layout.trustAnchors, root.toString('pem') + '\n');
  writeFileSync(layout.revoked, '');
  writeFileSync(layout.rootCrl, await crlPem(rootIssuer, [], now));

  const issuer: Issuer = { cert: intermediate, key: intermediateKeys.privateKey, algorithm: RSA(3072) };
  await writeCrls(layout, issuer, now);

  const hosts = options.gatewayHosts ?? ['localhost'];
  await writeLeaf(path.dirname(layout.serverChain), issuer, {
    subject: `C=NL, O=Ketenpoort TEST, CN=${hosts[0]}`, hosts, ips: ['127.0.0.1', '::1'], keyType: options.keyType ?? 'rsa',
    notBefore: start, notAfter: new Date(start.getTime() + 365 * DAY),
  }, { cert: layout.serverChain.replace('gateway.crt.pem', 'gateway.leaf.pem'), chain: layout.serverChain, key: layout.serverKey });

  for (const party of options.parties) {
    await writeLeaf(path.join(options.dir, 'partijen', party.id), issuer, {
      subject: partySubject(party.oin, party.naam, party.host ?? `${party.id}.test.ketenpoort.local`),
      hosts: [party.host ?? `${party.id}.test.ketenpoort.local`], keyType: options.keyType ?? 'rsa',
      notBefore: start, notAfter: new Date(start.getTime() + 365 * DAY),
    });
  }
  return layout;
}

/** Issues one more leaf from the intermediate of the PKI in `pkiDir`, written to `outDir`. */
export async function issueCertificate(options: {
  pkiDir: string; oin: string; naam: string; host?: string; outDir: string; notBefore?: Date; notAfter?: Date; keyType?: KeyType;
}): Promise<LeafFiles> {
  const issuer = await loadIntermediate(loadPkiLayout(options.pkiDir));
  const host = options.host ?? `${options.oin}.test.ketenpoort.local`;
  const notBefore = options.notBefore ?? new Date(Date.now() - HOUR);
  return writeLeaf(options.outDir, issuer, {
    subject: partySubject(options.oin, options.naam, host), hosts: [host], keyType: options.keyType ?? 'rsa',
    notBefore, notAfter: options.notAfter ?? new Date(notBefore.getTime() + 365 * DAY),
  });
}

/** Revokes a leaf of the intermediate: its serial goes on the intermediate's CRL, which is re-issued. */
export async function revokeCertificate(options: { pkiDir: string; certPath: string; now?: Date }): Promise<void> {
  const layout = loadPkiLayout(options.pkiDir);
  const cert = new x509.X509Certificate(readFileSync(options.certPath, 'utf8'));
  const revoked = new Set(readFileSync(layout.revoked, 'utf8').split('\n').filter(Boolean));
  revoked.add(cert.serialNumber);
  writeFileSync(layout.revoked, [...revoked].join('\n') + '\n');
  await writeCrls(layout, await loadIntermediate(layout), options.now ?? new Date());
}

/** Subject of a party leaf, as PKIoverheid has it: the OIN in serialNumber (OID 2.5.4.5, PrintableString). */
function partySubject(oin: string, naam: string, host: string): x509.JsonNameParams {
  return [{ C: ['NL'] }, { O: [naam] }, { '2.5.4.5': [{ printableString: oin }] }, { CN: [host] }];
}

interface LeafSpec {
  subject: string | x509.JsonNameParams;
  hosts: readonly string[];
  ips?: readonly string[];
  keyType: KeyType;
  notBefore: Date;
  notAfter: Date;
}

async function writeLeaf(dir: string, issuer: Issuer, spec: LeafSpec, files: LeafFiles = leafFiles(dir)): Promise<LeafFiles> {
  const keys = await generate(spec.keyType, 2048);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(), subject: typeof spec.subject === 'string' ? spec.subject : new x509.Name(spec.subject), issuer: issuer.cert.subject, notBefore: spec.notBefore, notAfter: spec.notAfter,
    signingAlgorithm: issuer.algorithm, publicKey: keys.publicKey, signingKey: issuer.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(spec.keyType === 'rsa'
        ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
        : x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert),
      new x509.CertificatePolicyExtension([TEST_POLICY_OID]),
      new x509.CRLDistributionPointsExtension(['http://localhost/ketenpoort-test/intermediate.crl']),
      new x509.SubjectAlternativeNameExtension([
        ...spec.hosts.map((value) => ({ type: 'dns' as const, value })),
        ...(spec.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
      ]),
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(files.cert, cert.toString('pem') + '\n');
  writeFileSync(files.chain, cert.toString('pem') + '\n' + issuer.cert.toString('pem') + '\n');
  writeFileSync(files.key, await pkcs8(keys.privateKey), { mode: 0o600 });
  return files;
}

async function writeCrls(layout: PkiLayout, issuer: Issuer, now: Date): Promise<void> {
  const revoked = existsSync(layout.revoked) ? readFileSync(layout.revoked, 'utf8').split('\n').filter(Boolean) : [];
  writeFileSync(layout.intermediateCrl, await crlPem(issuer, revoked, now));
  writeFileSync(layout.crls, readFileSync(layout.rootCrl, 'utf8') + readFileSync(layout.intermediateCrl, 'utf8'));
}

async function crlPem(issuer: Issuer, revokedSerials: readonly string[], now: Date): Promise<string> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.cert.subject, thisUpdate: new Date(now.getTime() - HOUR), nextUpdate: new Date(now.getTime() + 30 * DAY),
    signingAlgorithm: issuer.algorithm, signingKey: issuer.key,
    entries: revokedSerials.map((serialNumber) => ({ serialNumber, revocationDate: new Date(now.getTime() - 60_000), reason: x509.X509CrlReason.keyCompromise })),
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(issuer.cert)],
  });
  // OpenSSL (and so Node) only reads CRLs under the RFC 7468 label "X509 CRL".
  return x509.PemConverter.encode(crl.rawData, 'X509 CRL') + '\n';
}

async function loadIntermediate(layout: PkiLayout): Promise<Issuer> {
  const cert = new x509.X509Certificate(readFileSync(layout.intermediateCert, 'utf8'));
  const der = x509.PemConverter.decodeFirst(readFileSync(layout.intermediateKey, 'utf8'));
  const algorithm = RSA(3072);
  const key = await webcrypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign']) as unknown as CryptoKey;
  return { cert, key, algorithm };
}

async function generate(type: KeyType, bits: number): Promise<CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(type === 'rsa' ? RSA(bits) : EC, true, ['sign', 'verify']) as unknown as CryptoKeyPair;
}

async function pkcs8(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key as unknown as webcrypto.CryptoKey), 'PRIVATE KEY') + '\n';
}

/** A random positive 16-byte serial (hex), as CAs must use unpredictable serials. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f;
  return bytes.toString('hex');
}
