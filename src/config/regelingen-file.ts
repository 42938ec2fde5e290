import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { ConfigurationError } from '../errors.js';
import { DATA_ITEMS, Regelingen, type RegelingSettings } from '../domain/regelingen-config.js';

const RegelingenFileSchema = Type.Object({
  regelingen: Type.Record(Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,59}$' }), Type.Object({
    naam: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    gegevens: Type.Array(Type.Union(DATA_ITEMS.map((i) => Type.Literal(i))), { uniqueItems: true }),
    verwerkingsactiviteit: Type.String({ pattern: '^[a-z][a-z0-9+.-]*:\\S+$', maxLength: 300 }),
  }, { additionalProperties: false }), { minProperties: 1 }),
}, { additionalProperties: false });

const validate = new Ajv({ allErrors: true, strict: true }).compile(RegelingenFileSchema);

/**
 * Reads the regelingen file (`KETENPOORT_REGELINGEN`): data items allowed and processing activity
 * per regeling. A code outside the built-in codelist needs a `naam`.
 * @throws ConfigurationError naming the field, e.g. `regelingen.AIO.gegevens[0]`
 */
export function loadRegelingen(file: string): Regelingen {
  let data: unknown;
  try {
    data = YAML.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError('KETENPOORT_REGELINGEN', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return buildRegelingen(data);
}

/** Validates already-parsed regelingen data; see {@link loadRegelingen}. */
export function buildRegelingen(data: unknown): Regelingen {
  if (!validate(data)) {
    const e = validate.errors![0]!;
    const at = e.instancePath.split('/').slice(1).reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
    throw new ConfigurationError(at || 'regelingen', e.message ?? 'invalid');
  }
  const settings = new Map<string, RegelingSettings>();
  for (const [code, entry] of Object.entries((data as Static<typeof RegelingenFileSchema>).regelingen)) {
    const naam = entry.naam ?? Regelingen.builtInName(code);
    if (!naam) throw new ConfigurationError(`regelingen.${code}.naam`, `${code} is not in the built-in codelist, so it needs a naam`);
    settings.set(code, Object.freeze({ naam, gegevens: Object.freeze([...entry.gegevens]), verwerkingsactiviteit: entry.verwerkingsactiviteit }));
  }
  return new Regelingen(settings);
}
