import type { components } from '../../../openapi/ketenpoort.js';
import type { AanwijzingRow } from '../../store/aanwijzing-rows.js';
import type { PartyRegistry } from '../party-registry.js';
import type { AanwijzingAanlevering } from './aanwijzing-checks.js';

/** An aanwijzing as the contract shows it. */
export type Aanwijzing = components['schemas']['Aanwijzing'];
type Ondertekening = components['schemas']['Ondertekening'];

/**
 * The contract's view of a stored aanwijzing. Content fields appear only while the personal data
 * is kept (not for suppressed or purged signals); the signature only when asked for.
 */
export function toAanwijzing(row: AanwijzingRow, registry: PartyRegistry, options: { withSignature: boolean }): Aanwijzing {
  const content = row.inhoud ? (JSON.parse(row.inhoud) as AanwijzingAanlevering) : undefined;
  const party = (oin: string) => ({ oin, naam: registry.byOin(oin)?.naam ?? '(niet meer geregistreerd)' });
  return {
    id: row.id,
    kenmerk: row.kenmerk,
    soort: row.soort as Aanwijzing['soort'],
    regeling: row.regeling,
    gemeentecode: row.gemeentecode,
    ...(content ? {
      burgerservicenummer: content.burgerservicenummer,
      aanleiding: content.aanleiding,
      ...(content.gegevens ? { gegevens: content.gegevens } : {}),
    } : {}),
    geldigTot: row.geldigTot,
    status: row.status as Aanwijzing['status'],
    aanleveraar: party(row.aanleveraarOin),
    // A signal suppressed at delivery was never routed: it has no receiver.
    ...(row.ontvangerOin ? { ontvanger: party(row.ontvangerOin) } : {}),
    ...(row.vervangt ? { vervangt: row.vervangt } : {}),
    ...(row.vervangenDoor ? { vervangenDoor: row.vervangenDoor } : {}),
    ...(row.uitkomst && row.teruggekoppeld !== null ? {
      terugkoppeling: {
        uitkomst: row.uitkomst as NonNullable<Aanwijzing['terugkoppeling']>['uitkomst'],
        ...(row.toelichting ? { toelichting: row.toelichting } : {}),
        tijdstip: new Date(row.teruggekoppeld).toISOString(),
      },
    } : {}),
    ...(row.intrekkingsreden ? { intrekkingsreden: row.intrekkingsreden } : {}),
    tijdstipAanlevering: new Date(row.aangeboden).toISOString(),
    tijdstipLaatsteWijziging: new Date(row.gewijzigd).toISOString(),
    ...(options.withSignature && row.ondertekening ? { ondertekening: JSON.parse(row.ondertekening) as Ondertekening } : {}),
  };
}
