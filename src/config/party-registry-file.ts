import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { ConfigurationError } from '../errors.js';
import { gemeenten } from '../domain/gemeenten.js';
import { PartyRegistry, type Party } from '../domain/party-registry.js';
import { isRegeling } from '../domain/regelingen.js';
import { ROLES, scopesForRoles } from '../domain/roles.js';
import { isTestOin, oinFromSubject } from '../security/oin.js';

const Oin = Type.String({ pattern: '^[0-9]{20}$' });

/** Schema of the party registry file (YAML). */
export const PartyRegistryFileSchema = Type.Object({
  partijen: Type.Array(Type.Object({
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
    oin: Oin,
    naam: Type.String({ minLength: 1, maxLength: 200 }),
    rollen: Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), { minItems: 1, uniqueItems: true }),
    ontvangt: Type.Optional(Type.Array(Type.Object({
      gemeentecodes: Type.Array(Type.String({ pattern: '^[0-9]{4}$' }), { minItems: 1 }),
      regelingen: Type.Array(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' }), { minItems: 1 }),
    }, { additionalProperties: false }))),
    delegaties: Type.Optional(Type.Array(Type.Object({
      namens: Oin,
      scopes: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    }, { additionalProperties: false }))),
    certificaten: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  }, { additionalProperties: false }), { minItems: 1 }),
}, { additionalProperties: false });

type RegistryFile = Static<typeof PartyRegistryFileSchema>;

const validate = new Ajv({ allErrors: true, strict: true }).compile(PartyRegistryFileSchema);

/**
 * Reads and validates the party registry file once, at start-up.
 *
 * Checks the schema, then what a schema cannot: unique ids and OINs, known gemeentecodes and
 * regelingen (the built-in codelist, or those configured when `isRegeling` is given), one receiver per (gemeentecode, regeling), delegations that point at a receiver,
 * registered certificates that exist and carry the party's OIN, and no test OINs in production.
 *
 * @throws ConfigurationError whose setting is the field path, e.g. `partijen[2].oin`
 */
export function loadPartyRegistry(file: string, options: { production: boolean; isRegeling?: (code: string) => boolean }): PartyRegistry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError('KETENPOORT_PARTIES', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = YAML.parse(text);
  } catch (error) {
    throw new ConfigurationError('KETENPOORT_PARTIES', `${file} is not valid YAML: ${(error as Error).message}`);
  }
  return buildPartyRegistry(data, { ...options, baseDir: path.dirname(file) });
}

/** Validates already-parsed registry data; see {@link loadPartyRegistry}. */
export function buildPartyRegistry(data: unknown, options: { production: boolean; baseDir: string; isRegeling?: (code: string) => boolean }): PartyRegistry {
  const knownRegeling = options.isRegeling ?? isRegeling;
  if (!validate(data)) {
    const e = validate.errors![0]!;
    const extra = 'allowedValues' in e.params ? ` (${String(e.params.allowedValues)})`
      : 'additionalProperty' in e.params ? ` ("${String(e.params.additionalProperty)}")` : '';
    throw new ConfigurationError(fieldPath(e.instancePath), `${e.message ?? 'invalid'}${extra}`);
  }
  const file = data as RegistryFile;
  const parties: Party[] = [];
  const seenIds = new Set<string>();
  const seenOins = new Set<string>();
  const routes = new Map<string, string>();
  file.partijen.forEach((p, i) => {
    const at = `partijen[${i}]`;
    if (seenIds.has(p.id)) throw new ConfigurationError(`${at}.id`, `duplicate id "${p.id}"`);
    if (seenOins.has(p.oin)) throw new ConfigurationError(`${at}.oin`, `duplicate OIN ${p.oin}`);
    if (options.production && isTestOin(p.oin)) throw new ConfigurationError(`${at}.oin`, `test OIN ${p.oin} is not allowed in production mode`);
    seenIds.add(p.id);
    seenOins.add(p.oin);
    (p.ontvangt ?? []).forEach((o, j) => {
      if (!p.rollen.includes('ontvanger')) throw new ConfigurationError(`${at}.ontvangt`, 'only a party with role ontvanger can receive');
      o.gemeentecodes.forEach((g, k) => {
        if (!gemeenten().has(g)) throw new ConfigurationError(`${at}.ontvangt[${j}].gemeentecodes[${k}]`, `${g} is not a CBS gemeentecode`);
      });
      o.regelingen.forEach((r, k) => {
        if (!knownRegeling(r)) throw new ConfigurationError(`${at}.ontvangt[${j}].regelingen[${k}]`, `unknown regeling ${r}`);
        for (const g of o.gemeentecodes) {
          const other = routes.get(`${g}/${r}`);
          if (other) throw new ConfigurationError(`${at}.ontvangt[${j}]`, `${r} for ${g} is already received by ${other}`);
          routes.set(`${g}/${r}`, p.id);
        }
      });
    });
    if ((p.delegaties ?? []).length > 0 && !p.rollen.includes('leverancier')) {
      throw new ConfigurationError(`${at}.delegaties`, 'only a party with role leverancier can hold delegations');
    }
    const certificaten = (p.certificaten ?? []).map((c, k) => readPartyCertificate(path.resolve(options.baseDir, c), p.oin, `${at}.certificaten[${k}]`));
    parties.push(Object.freeze({
      id: p.id, oin: p.oin, naam: p.naam, rollen: Object.freeze([...p.rollen]),
      ontvangt: Object.freeze((p.ontvangt ?? []).map((o) => Object.freeze({ gemeentecodes: [...o.gemeentecodes], regelingen: [...o.regelingen] }))),
      delegaties: Object.freeze((p.delegaties ?? []).map((d) => Object.freeze({ ...d }))),
      certificaten: Object.freeze(certificaten),
    }));
  });
  // Delegations are checked once every party is known.
  file.partijen.forEach((p, i) => (p.delegaties ?? []).forEach((d, j) => {
    const at = `partijen[${i}].delegaties[${j}]`;
    const principal = parties.find((q) => q.oin === d.namens);
    if (!principal) throw new ConfigurationError(`${at}.namens`, `no party with OIN ${d.namens}`);
    if (!principal.rollen.includes('ontvanger')) throw new ConfigurationError(`${at}.namens`, `${principal.id} is not an ontvanger`);
    const allowed = scopesForRoles(principal.rollen);
    for (const s of d.scopes ?? []) if (!allowed.includes(s)) throw new ConfigurationError(`${at}.scopes`, `${s} is not a scope of ${principal.id}`);
  }));
  return new PartyRegistry(parties);
}

function readPartyCertificate(file: string, oin: string, at: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(at, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new ConfigurationError(at, `${file} is not a PEM certificate`);
  }
  const found = oinFromSubject(certificate.subject);
  if (found !== oin) throw new ConfigurationError(at, `${file} has serialNumber ${found ?? '(none)'}, not the party's OIN ${oin}`);
  return pem;
}

/** `/partijen/2/oin` → `partijen[2].oin`. */
function fieldPath(instancePath: string): string {
  return instancePath.split('/').slice(1).reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '') || '(root)';
}

/**
 * The id, OIN and name of every party in a registry file, checked against the schema but not
 * against certificates — what `ketenpoort pki init` needs before the certificates exist.
 */
export function readRegistryParties(file: string): Array<{ id: string; oin: string; naam: string }> {
  const data: unknown = YAML.parse(readFileSync(file, 'utf8'));
  if (!validate(data)) {
    const e = validate.errors![0]!;
    throw new ConfigurationError(fieldPath(e.instancePath), e.message ?? 'invalid');
  }
  return (data as RegistryFile).partijen.map(({ id, oin, naam }) => ({ id, oin, naam }));
}
