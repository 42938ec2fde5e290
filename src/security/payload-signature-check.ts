import type { PayloadSignatureCheck, SignedDelivery } from '../domain/aanwijzingen/aanwijzing-service.js';
import type { Clock } from './clock.js';
import type { FileSignatureCheck } from '../domain/aanleveringen/aanlevering-service.js';
import { checkBodyDigest, verifyPayloadSignature, verifySignedDigest } from './payload-signature.js';

/** The domain's port for payload signatures, backed by the ADR signing module implementation. */
export function payloadSignatureCheck(clock: Clock): PayloadSignatureCheck {
  return {
    async verify(signed: SignedDelivery, certificates: readonly string[]) {
      const verified = await verifyPayloadSignature({
        payloadSignature: signed.payloadSignature,
        digest: signed.digest,
        body: signed.body,
        certificates,
        now: clock.now(),
      });
      return { certificate: verified.certificate };
    },
  };
}

/** The port for signed files: the signature is checked before the body streams, the digest after. */
export function fileSignatureCheck(clock: Clock): FileSignatureCheck {
  return {
    async verifyHeaders(payloadSignature, digest, certificates) {
      const verified = await verifySignedDigest({ payloadSignature, digest, certificates, now: clock.now() });
      return { certificate: verified.certificate };
    },
    checkDigest(digest, body) {
      checkBodyDigest(digest, body);
    },
  };
}
