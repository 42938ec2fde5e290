import type { PayloadSignatureCheck, SignedDelivery } from '../domain/aanwijzingen/aanwijzing-service.js';
import type { Clock } from './clock.js';
import { verifyPayloadSignature } from './payload-signature.js';

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
