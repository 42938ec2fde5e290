import type { Caller } from '../security/bearer-authorization.js';
import type { components } from '../../openapi/ketenpoort.js';

type PartijMij = components['schemas']['PartijMij'];

/** What `GET /v1/partijen/mij` tells a caller about itself. */
export function describeCaller(caller: Caller): PartijMij {
  const { identity, token, subject, actor } = caller;
  const holder = actor ?? subject;
  return {
    oin: holder.oin,
    naam: holder.naam,
    rollen: [...holder.rollen],
    scopes: [...token.scopes],
    ...(actor ? { namens: { oin: subject.oin, naam: subject.naam } } : {}),
    certificaat: {
      onderwerp: identity.certificate.subject,
      uitgever: identity.certificate.issuer,
      serienummer: identity.certificate.serialNumber,
      geldigTot: identity.certificate.validTo.toISOString(),
    },
  };
}
