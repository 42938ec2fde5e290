import { createPrivateKey, type KeyObject } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { signDigest, signPayload } from '../src/security/payload-signature.js';
import { NdjsonWriter } from './ndjson-writer.js';
import type { Workspace } from './workspace.js';

/** A sender's signing material: the key and the certificate registered for it. */
export interface Signer {
  readonly privateKey: KeyObject;
  readonly certificatePem: string;
}

/** The signing material of a workspace party (PS256: the test PKI's keys are RSA 2048). */
export function signerOf(workspace: Workspace, party: 'uwv'): Signer {
  const leaf = workspace.pki.party(party);
  return { privateKey: createPrivateKey(readFileSync(leaf.key)), certificatePem: readFileSync(leaf.cert, 'utf8') };
}

/** The last day a benchmark signal is relevant: a year ahead, so none expires during a run. */
const GELDIG_TOT = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

/**
 * One aanwijzing as UWV delivers it (the README's walk-through): a possible right to bijstand in
 * Amsterdam, because the person's WW ends. Unique per `kenmerk`.
 */
export function aanwijzingJson(kenmerk: string, bsn: string, gemeentecode = '0363'): string {
  return JSON.stringify({
    kenmerk, soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: bsn, gemeentecode, geldigTot: GELDIG_TOT,
    aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'Uw WW-uitkering stopt binnenkort; mogelijk heeft u recht op bijstand.' },
  });
}

/**
 * Writes `bsns.length` signed single deliveries as NDJSON lines `{"body", "headers"}` (Digest and
 * Payload-Signature per body, as `ketenpoort onderteken` makes them) for the load process to send,
 * each body once. Signed before the measurement: signing is the sender's cost, not the gateway's.
 */
export async function writeSignedDeliveries(file: string, signer: Signer, kenmerkPrefix: string, bsns: readonly string[]): Promise<void> {
  const out = createWriteStream(file);
  const CONCURRENT = 32; // signatures run on the thread pool; a few at once use both cores
  for (let start = 0; start < bsns.length; start += CONCURRENT) {
    const signed = await Promise.all(bsns.slice(start, start + CONCURRENT).map(async (bsn, i) => {
      const body = aanwijzingJson(`${kenmerkPrefix}-${start + i}`, bsn);
      const { digest, payloadSignature } = await signPayload({ body: Buffer.from(body), ...signer, alg: 'PS256' });
      return JSON.stringify({ body, headers: { 'content-type': 'application/json', digest, 'payload-signature': payloadSignature } });
    }));
    if (!out.write(`${signed.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** A periodic file on disk, with the headers that sign it. */
export interface SignedFile {
  readonly file: string;
  readonly lines: number;
  readonly bytes: number;
  readonly digest: string;
  readonly payloadSignature: string;
}

/**
 * Writes an NDJSON file of `bsns.length` aanwijzingen, digesting it on the way (a sender never holds
 * a monthly file in memory either), and signs the digest. The lines go to `gemeentecodes` in a
 * scrambled order (as a file sorted by person would), so consecutive lines rarely share a receiver.
 */
export async function writeSignedFile(file: string, signer: Signer, kenmerkPrefix: string, bsns: Iterable<string>,
  gemeentecodes: readonly string[] = ['0363']): Promise<SignedFile> {
  const writer = new NdjsonWriter(file);
  let lines = 0;
  for (const bsn of bsns) {
    // Knuth's multiplicative hash of the line number: deterministic, and spread evenly over the codes.
    const code = gemeentecodes[(Math.imul(lines, 2654435761) >>> 0) % gemeentecodes.length]!;
    await writer.line(aanwijzingJson(`${kenmerkPrefix}-${lines++}`, bsn, code));
  }
  const { bytes, digest } = await writer.close();
  return { file, lines, bytes, digest, payloadSignature: await signDigest({ digest, ...signer, alg: 'PS256' }) };
}
