import { digestHeaderOf, signPayload, verifyPayloadSignature, verifySignedDigest } from '../src/security/payload-signature.js';
import type { Signer } from './aanwijzing-bodies.js';

/** What one payload-signature verification costs, in this process. */
export interface SignatureCost {
  /** `verifySignedDigest`: the header checks and the PS256 verification. */
  readonly verifyMicroseconds: number;
  /** `verifyPayloadSignature`: the same plus the SHA-256 of the body and its comparison with `Digest`. */
  readonly verifyWithBodyMicroseconds: number;
  readonly bodyBytes: number;
}

/**
 * The gateway refuses unsigned deliveries, so the cost of verification cannot be read as the
 * difference between two gateway runs; it is measured here, in isolation, with the gateway's own
 * functions and one of the signed bodies the delivery scenario sends. One after another (no
 * concurrency), so the figure is time per verification on one core.
 */
export async function measureSignatureCost(signer: Signer, body: string, seconds: number): Promise<SignatureCost> {
  const bytes = Buffer.from(body);
  const { digest, payloadSignature } = await signPayload({ body: bytes, ...signer, alg: 'PS256' });
  const certificates = [signer.certificatePem];
  if (digestHeaderOf(bytes) !== digest) throw new Error('digest differs');
  const time = async (verify: () => Promise<unknown>): Promise<number> => {
    for (let i = 0; i < 200; i++) await verify(); // warm: JIT, the parsed-certificate cache
    let count = 0;
    const started = performance.now();
    const until = started + seconds * 1000;
    while (performance.now() < until) {
      for (let i = 0; i < 100; i++) await verify();
      count += 100;
    }
    return ((performance.now() - started) * 1000) / count;
  };
  return {
    verifyMicroseconds: await time(() => verifySignedDigest({ payloadSignature, digest, certificates })),
    verifyWithBodyMicroseconds: await time(() => verifyPayloadSignature({ payloadSignature, digest, body: bytes, certificates })),
    bodyBytes: bytes.length,
  };
}
