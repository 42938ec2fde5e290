import { constants, createHash, createHmac, KeyObject, sign as cryptoSign, verify as cryptoVerify, webcrypto, X509Certificate } from 'node:crypto';
import t from 'tap';
import * as x509 from '@peculiar/x509';
import { KetenpoortError } from '../../../src/errors.js';
import { BodyDigest, digestHeaderOf } from '../../../src/security/payload-digest.js';
import {
  checkBodyDigest, HTTP_HEADERS_MECHANISM, httpHeadersPayload, signPayload, thumbprint, verifyPayloadSignature, verifySignedDigest,
} from '../../../src/security/payload-signature.js';

x509.cryptoProvider.set(webcrypto as never);

/** A key pair and a self-signed certificate for it, made now: no key is ever committed. */
interface Signer {
  readonly privateKey: KeyObject;
  readonly certificatePem: string;
}

const DAY = 86_400_000;

async function makeSigner(kind: 'rsa' | 'ec', name: string, validity: { notBefore?: Date; notAfter?: Date } = {}): Promise<Signer> {
  const algorithm = kind === 'rsa'
    ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }
    : { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: createHash('sha256').update(name).digest('hex').slice(0, 16),
    name: `CN=${name}, O=Ketenpoort test, C=NL`,
    notBefore: validity.notBefore ?? new Date(Date.now() - DAY),
    notAfter: validity.notAfter ?? new Date(Date.now() + 30 * DAY),
    signingAlgorithm: algorithm,
    keys,
  });
  return { privateKey: KeyObject.from(keys.privateKey), certificatePem: certificate.toString('pem') };
}

const rsa = await makeSigner('rsa', 'uwv-payload');
const ec = await makeSigner('ec', 'svb-payload');
const stranger = await makeSigner('rsa', 'stranger');
const expired = await makeSigner('rsa', 'expired', { notBefore: new Date(Date.now() - 60 * DAY), notAfter: new Date(Date.now() - DAY) });
const registered = [rsa.certificatePem, ec.certificatePem];
const body = Buffer.from('{"kenmerk":"K-1","regeling":"TOESLAGEN","burgerservicenummer":"999999990"}');

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decodeHeader = (payloadSignature: string) => JSON.parse(Buffer.from(payloadSignature.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

/** The protected header a conforming JAdES signer (esig/dss) writes for our profile. */
function profileHeader(alg: string, signer: Signer, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alg, 'x5t#S256': thumbprint(signer.certificatePem), iat: Math.floor(Date.now() / 1000),
    sigD: { mId: HTTP_HEADERS_MECHANISM, pars: ['digest'] }, b64: false, crit: ['b64', 'sigD'], ...extra,
  };
}

/**
 * Builds a detached JWS by hand with node:crypto, not jose: the signing input is
 * `BASE64URL(header) || "." || "digest: <Digest>"` (RFC 7797 with b64 false, payload as dss-jades'
 * HttpHeadersPayloadBuilder builds it). If our verifier accepts these, it agrees with that construction.
 */
function forge(header: Record<string, unknown>, digest: string, key: KeyObject | string, alg = String(header.alg)): string {
  const encoded = b64url(header);
  const input = Buffer.concat([Buffer.from(`${encoded}.`), Buffer.from(`digest: ${digest}`)]);
  let signature: Buffer;
  switch (alg) {
    case 'PS256': signature = cryptoSign('sha256', input, { key: key as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }); break;
    case 'ES256': signature = cryptoSign('sha256', input, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }); break;
    case 'RS256': signature = cryptoSign('sha256', input, key as KeyObject); break;
    case 'HS256': signature = createHmac('sha256', key as string).update(input).digest(); break;
    default: signature = Buffer.alloc(0);
  }
  return `${encoded}..${signature.toString('base64url')}`;
}

t.test('PS256 and ES256 round trip, with what the receiver keeps', async (t) => {
  const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_250); // a minute ago, not on a whole second
  for (const [name, signer, alg] of [['PS256 (RSA)', rsa, 'PS256'], ['ES256 (EC P-256)', ec, 'ES256'], ['ES256 by default for an EC key', ec, undefined]] as const) {
    const signed = await signPayload({ body, privateKey: signer.privateKey, certificatePem: signer.certificatePem, alg, signingTime });
    t.equal(signed.digest, `SHA-256=${createHash('sha256').update(body).digest('base64')}`, `${name}: Digest is SHA-256 of the body`);
    t.match(signed.payloadSignature, /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/, `${name}: compact, detached`);
    const verified = await verifyPayloadSignature({ payloadSignature: signed.payloadSignature, digest: signed.digest, body, certificates: registered });
    t.same(verified, {
      certificate: signer.certificatePem,
      thumbprint: createHash('sha256').update(new X509Certificate(signer.certificatePem).raw).digest('base64url'),
      subject: new X509Certificate(signer.certificatePem).subject,
      algorithm: alg ?? 'ES256',
      signingTime: new Date(signingTime.getTime() - 750), // iat has whole seconds
      digest: signed.digest,
      payloadSignature: signed.payloadSignature,
    }, name);
    t.match(verified.subject, /^CN=(uwv|svb)-payload$/m, `${name}: names the subject`);
  }
});

t.test('the header and signing input are those of JAdES HttpHeaders (esig/dss)', async (t) => {
  const signed = await signPayload({ body, privateKey: rsa.privateKey, certificatePem: rsa.certificatePem, signingTime: new Date('2026-03-01T00:00:00Z') });
  t.same(decodeHeader(signed.payloadSignature), {
    alg: 'PS256', 'x5t#S256': thumbprint(rsa.certificatePem), iat: 1772323200,
    sigD: { mId: 'http://uri.etsi.org/19182/HttpHeaders', pars: ['digest'] }, b64: false, crit: ['b64', 'sigD'],
  });
  const [header, , signature] = signed.payloadSignature.split('.') as [string, string, string];
  const input = Buffer.from(`${header}.digest: ${signed.digest}`);
  t.ok(cryptoVerify('sha256', input, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, Buffer.from(signature, 'base64url')),
    'the signature is over "<header>.digest: SHA-256=…", the unencoded header line');
  t.equal(Buffer.from(httpHeadersPayload([['Digest', ' SHA-256=x '], ['Content-Type', 'application/json']])).toString(), 'digest: SHA-256=x\ncontent-type: application/json',
    'names lowercased, values trimmed, lines joined by \\n without a final newline');
});

t.test('signatures made by other JAdES tooling are accepted', async (t) => {
  const digest = digestHeaderOf(body);
  const cases: Array<[string, Signer, Record<string, unknown>]> = [
    ['dss-style PS256 with iat', rsa, profileHeader('PS256', rsa)],
    ['dss-style ES256 with iat', ec, profileHeader('ES256', ec)],
    ['older JAdES: sigT, and sigT also critical', rsa, profileHeader('PS256', rsa, { iat: undefined, sigT: '2026-01-15T10:00:00Z', crit: ['sigT', 'sigD', 'b64'] })],
    ['iat critical too', ec, profileHeader('ES256', ec, { crit: ['b64', 'sigD', 'iat'] })],
    ['no x5t#S256: every registered certificate is tried', ec, profileHeader('ES256', ec, { 'x5t#S256': undefined })],
    ['x5c with the signing certificate', rsa, profileHeader('PS256', rsa, { x5c: [new x509.X509Certificate(rsa.certificatePem).toString('base64')] })],
    ['unknown parameters that are not critical are ignored', rsa, profileHeader('PS256', rsa, { typ: 'JOSE', kid: 'k1' })],
  ];
  for (const [name, signer, header] of cases) {
    const payloadSignature = forge(JSON.parse(JSON.stringify(header)), digest, signer.privateKey);
    const verified = await verifyPayloadSignature({ payloadSignature, digest, body, certificates: registered });
    t.equal(verified.certificate, signer.certificatePem, name);
  }
});

t.test('refusals, each with a stable code', async (t) => {
  const good = await signPayload({ body, privateKey: rsa.privateKey, certificatePem: rsa.certificatePem });
  const goodEc = await signPayload({ body, privateKey: ec.privateKey, certificatePem: ec.certificatePem });
  const other = Buffer.from(`${body.toString()} `);
  const digest = good.digest;
  const [goodHeader, , goodSignature] = good.payloadSignature.split('.') as [string, string, string];
  const byStranger = await signPayload({ body, privateKey: stranger.privateKey, certificatePem: stranger.certificatePem });
  const byExpired = await signPayload({ body, privateKey: expired.privateKey, certificatePem: expired.certificatePem, signingTime: new Date(Date.now() - 2 * DAY) });
  const header = (extra: Record<string, unknown>) => JSON.parse(JSON.stringify(profileHeader('PS256', rsa, extra))) as Record<string, unknown>;
  const ps256 = (extra: Record<string, unknown>) => forge(header(extra), digest, rsa.privateKey);

  type Case = [name: string, input: { payloadSignature?: string | string[]; digest?: string | string[]; body?: Buffer; certificates?: string[]; now?: Date }, code: string];
  const cases: Case[] = [
    // headers present once
    ['no Payload-Signature', { payloadSignature: undefined }, 'payload-signature-missing'],
    ['empty Payload-Signature', { payloadSignature: ' ' }, 'payload-signature-missing'],
    ['no Digest', { digest: undefined }, 'payload-signature-missing'],
    ['two Payload-Signature headers', { payloadSignature: [good.payloadSignature, good.payloadSignature] }, 'payload-signature-duplicate'],
    ['two Payload-Signature headers folded by a proxy', { payloadSignature: `${good.payloadSignature}, ${goodEc.payloadSignature}` }, 'payload-signature-duplicate'],
    ['two Digest headers', { digest: [digest, digest] }, 'payload-signature-duplicate'],
    // the digest
    ['body altered after signing', { body: other }, 'digest-mismatch'],
    ['Digest header that does not match the body', { digest: digestHeaderOf(other) }, 'digest-mismatch'],
    ['Digest with SHA-512', { digest: `SHA-512=${createHash('sha512').update(body).digest('base64')}` }, 'payload-signature-malformed'],
    ['Digest listing two digests', { digest: `${digest}, SHA-512=${createHash('sha512').update(body).digest('base64')}` }, 'payload-signature-malformed'],
    ['Digest and body both swapped, signature kept', { digest: digestHeaderOf(other), body: other }, 'payload-signature-invalid'],
    // the form of the JWS
    ['attached (non-detached) JWS', { payloadSignature: `${goodHeader}.${Buffer.from(`digest: ${digest}`).toString('base64url')}.${goodSignature}` }, 'payload-signature-malformed'],
    ['JWS JSON serialisation', { payloadSignature: JSON.stringify({ protected: goodHeader, signature: goodSignature }) }, 'payload-signature-malformed'],
    ['header not JSON', { payloadSignature: `${Buffer.from('not json').toString('base64url')}..${goodSignature}` }, 'payload-signature-malformed'],
    ['signature part missing', { payloadSignature: `${goodHeader}..` }, 'payload-signature-malformed'],
    // algorithms
    ['alg none', { payloadSignature: forge(header({ alg: 'none' }), digest, rsa.privateKey, 'none') }, 'payload-signature-invalid'],
    ['HS256 with the public certificate as secret', { payloadSignature: forge(header({ alg: 'HS256' }), digest, rsa.certificatePem) }, 'payload-signature-invalid'],
    ['RS256 (PKCS#1 v1.5) by the registered key', { payloadSignature: forge(header({ alg: 'RS256' }), digest, rsa.privateKey) }, 'payload-signature-invalid'],
    ['PS256 claimed for an EC certificate', { payloadSignature: forge({ ...header({}), 'x5t#S256': thumbprint(ec.certificatePem) }, digest, rsa.privateKey) }, 'payload-signature-invalid'],
    // sigD, b64, crit, signing time
    ['sigD with another mId', { payloadSignature: ps256({ sigD: { mId: 'http://uri.etsi.org/19182/ObjectIdByURIHash', pars: ['digest'] } }) }, 'payload-signature-malformed'],
    ['sigD pars with more entries', { payloadSignature: ps256({ sigD: { mId: HTTP_HEADERS_MECHANISM, pars: ['digest', 'content-type'] } }) }, 'payload-signature-malformed'],
    ['sigD pars not lowercased', { payloadSignature: ps256({ sigD: { mId: HTTP_HEADERS_MECHANISM, pars: ['Digest'] } }) }, 'payload-signature-malformed'],
    ['sigD with an extra member', { payloadSignature: ps256({ sigD: { mId: HTTP_HEADERS_MECHANISM, pars: ['digest'], ctys: ['json'] } }) }, 'payload-signature-malformed'],
    ['no sigD', { payloadSignature: ps256({ sigD: undefined, crit: ['b64'] }) }, 'payload-signature-malformed'],
    ['b64 true', { payloadSignature: ps256({ b64: true }) }, 'payload-signature-malformed'],
    ['no crit', { payloadSignature: ps256({ crit: undefined }) }, 'payload-signature-malformed'],
    ['crit without b64', { payloadSignature: ps256({ crit: ['sigD'] }) }, 'payload-signature-malformed'],
    ['crit with an unknown parameter', { payloadSignature: ps256({ crit: ['b64', 'sigD', 'urn:example:policy'], 'urn:example:policy': 1 }) }, 'payload-signature-malformed'],
    ['crit with a JAdES parameter we do not process', { payloadSignature: ps256({ crit: ['b64', 'sigD', 'srCms'], srCms: [] }) }, 'payload-signature-malformed'],
    ['crit with duplicates', { payloadSignature: ps256({ crit: ['b64', 'sigD', 'b64'] }) }, 'payload-signature-malformed'],
    ['crit naming an absent parameter', { payloadSignature: ps256({ crit: ['b64', 'sigD', 'sigT'] }) }, 'payload-signature-malformed'],
    ['both iat and sigT', { payloadSignature: ps256({ sigT: '2026-01-15T10:00:00Z' }) }, 'payload-signature-malformed'],
    ['no signing time', { payloadSignature: ps256({ iat: undefined }) }, 'payload-signature-malformed'],
    ['signing time an hour ahead', { payloadSignature: ps256({ iat: Math.floor(Date.now() / 1000) + 3600 }) }, 'payload-signature-invalid'],
    // keys and certificates
    ['signed by a key that is not registered', { payloadSignature: byStranger.payloadSignature }, 'payload-signature-unknown-key'],
    ['not registered, and no x5t#S256', { payloadSignature: forge(header({ 'x5t#S256': undefined }), digest, stranger.privateKey) }, 'payload-signature-unknown-key'],
    ['x5c of a certificate that is not registered', { payloadSignature: ps256({ x5c: [new x509.X509Certificate(stranger.certificatePem).toString('base64')] }) }, 'payload-signature-unknown-key'],
    ['no certificates registered', { certificates: [] }, 'payload-signature-unknown-key'],
    ['registered x5t#S256, another key', { payloadSignature: forge(header({}), digest, stranger.privateKey) }, 'payload-signature-invalid'],
    ['signature bytes changed', { payloadSignature: `${goodHeader}..${Buffer.from(Buffer.from(goodSignature, 'base64url').map((b, i) => (i === 5 ? b ^ 1 : b))).toString('base64url')}` }, 'payload-signature-invalid'],
    ['certificate expired', { payloadSignature: byExpired.payloadSignature, certificates: [expired.certificatePem] }, 'payload-signature-invalid'],
  ];
  for (const [name, input, code] of cases) {
    const options = { payloadSignature: good.payloadSignature, digest, body, certificates: registered, ...input };
    await t.rejects(verifyPayloadSignature(options), { code, status: 400 }, `${name}: ${code}`);
  }

  const error = await verifyPayloadSignature({ payloadSignature: undefined, digest, body, certificates: registered }).catch((e: unknown) => e);
  t.ok(error instanceof KetenpoortError, 'a KetenpoortError');
  t.match(error, { title: 'Invalid payload signature', extensions: { invalidParams: [{ in: 'header', name: 'Payload-Signature', code: 'payload-signature-missing' }] } });
});

t.test('streaming: the incremental digest equals the one-shot digest', async (t) => {
  const big = Buffer.alloc(1_000_003);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;
  const digest = new BodyDigest();
  let offset = 0;
  for (const size of [0, 1, 7, 13, 4095, 65_537, 3]) {
    digest.update(big.subarray(offset, offset + size));
    offset += size;
  }
  for (; offset < big.length; offset += 99_991) digest.update(big.subarray(offset, offset + 99_991));
  t.equal(digest.digestHeader(), digestHeaderOf(big));
  t.equal(digest.digestHeader(), digestHeaderOf(big), 'reading it twice gives the same value');
  t.throws(() => digest.update(Buffer.from('x')), 'no update after the digest is final');
  t.equal(digestHeaderOf(Buffer.alloc(0)), 'SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');

  // A receiver verifies the headers first, then the body as it streams.
  const signed = await signPayload({ body: big, privateKey: ec.privateKey, certificatePem: ec.certificatePem });
  const verified = await verifySignedDigest({ payloadSignature: signed.payloadSignature, digest: signed.digest, certificates: registered });
  t.equal(verified.thumbprint, thumbprint(ec.certificatePem));
  t.doesNotThrow(() => checkBodyDigest(verified.digest, digest));
  t.throws(() => checkBodyDigest(verified.digest, new BodyDigest().update(big.subarray(1))), { code: 'digest-mismatch' });
  const whole = await verifyPayloadSignature({ payloadSignature: signed.payloadSignature, digest: signed.digest, body: { digestHeader: digest.digestHeader() }, certificates: registered });
  t.equal(whole.algorithm, 'ES256');
});

t.test('the signer refuses to produce what a receiver would refuse', async (t) => {
  await t.rejects(signPayload({ body, privateKey: stranger.privateKey, certificatePem: rsa.certificatePem }), TypeError, 'key of another certificate');
  await t.rejects(signPayload({ body, privateKey: ec.privateKey, certificatePem: ec.certificatePem, alg: 'PS256' }), TypeError, 'PS256 with an EC key');
});
