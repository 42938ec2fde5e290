import { readFileSync } from 'node:fs';
import { projectPath } from '../src/config/project-paths.js';
import { bsnSequence } from './bsn.js';
import { NdjsonWriter } from './ndjson-writer.js';

/** The regelingen a generated file is about, with how often each occurs (they add up to 1). */
export const FILE_REGELINGEN = [
  { code: 'ALGEMENE_BIJSTAND', share: 0.6, reden: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'Uw WW-uitkering stopt binnenkort; mogelijk heeft u recht op bijstand.' },
  { code: 'BIJZONDERE_BIJSTAND', share: 0.25, reden: 'HOGE_KOSTEN', criteria: ['LAAG_INKOMEN', 'ZORGKOSTEN'], toelichting: 'U heeft mogelijk recht op een vergoeding van bijzondere kosten.' },
  { code: 'INDIVIDUELE_INKOMENSTOESLAG', share: 0.15, reden: 'LANGDURIG_LAAG_INKOMEN', criteria: ['DRIE_JAAR_LAAG_INKOMEN'], toelichting: 'U heeft al lang een laag inkomen; mogelijk krijgt u een toeslag.' },
] as const;

/** Kinds of invalid line, each with its share of the file; every one is rejected by the gateway. */
export const INVALID_KINDS = {
  /** The ninth digit changed: the BSN fails the elfproef. */
  elfproef: 0.01,
  /** The line is cut short: not JSON. */
  notJson: 0.005,
  /** A gemeentecode that is not in the CBS list. */
  unknownGemeente: 0.005,
  /** A required member (`aanleiding`) is missing. */
  missingMember: 0.005,
  /** `geldigTot` lies in the past. */
  expired: 0.005,
} as const;

/** What the gateway must report for a generated file, by construction. */
export interface ExpectedCounts {
  totaal: number;
  geaccepteerd: number;
  afgewezen: number;
  onderdrukt: number;
  alBekend: number;
}

/** A generated file on disk. */
export interface GeneratedFile {
  readonly file: string;
  readonly lines: number;
  readonly bytes: number;
  /** `Digest` header value of the whole file, computed while writing. */
  readonly digest: string;
  readonly expected: ExpectedCounts;
  /** Rejected lines per kind of fault. */
  readonly invalid: Record<keyof typeof INVALID_KINDS, number>;
}

/** How to generate. */
export interface FileRecipe {
  readonly lines: number;
  /** Unique per file: kenmerken are `<prefix>-<line>`. */
  readonly kenmerkPrefix: string;
  /** First eight digits of the first BSN of persons who have not opted out (see bsn.ts). */
  readonly firstBsn: number;
  /** BSNs with an active opt-out for every regeling, used for `optedOutShare` of the lines. */
  readonly optedOut: readonly string[];
  readonly optedOutShare: number;
  /** The gemeentecodes to spread the lines over (default: every CBS code of 2026). */
  readonly gemeentecodes?: readonly string[];
  /** Seed of the pseudo-random choices: the same recipe makes the same file. */
  readonly seed?: number;
}

/** Every gemeentecode of 2026 (codelijsten/gemeenten.csv, CBS). */
export function allGemeentecodes(): string[] {
  return readFileSync(projectPath('codelijsten', 'gemeenten.csv'), 'utf8').trim().split('\n').slice(1).map((row) => row.split(',')[0]!);
}

/**
 * Writes a realistic monthly NDJSON file: valid BSNs, real gemeentecodes, three regelingen, some
 * lines with income and household data, `optedOutShare` of the persons opted out and about 3 % of
 * the lines invalid in five different ways. Streamed, and digested on the way, so a million lines
 * take no more memory than a thousand. The expected counts follow from the recipe, so a benchmark
 * (or a person with the CLI) can check the gateway's report against the file.
 */
export async function generateFile(file: string, recipe: FileRecipe): Promise<GeneratedFile> {
  const random = mulberry32(recipe.seed ?? 20261123);
  const gemeentecodes = recipe.gemeentecodes ?? allGemeentecodes();
  const bsns = bsnSequence(recipe.firstBsn, recipe.lines);
  const future = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
  const peildatum = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  const invalid = Object.fromEntries(Object.keys(INVALID_KINDS).map((k) => [k, 0])) as Record<keyof typeof INVALID_KINDS, number>;
  let onderdrukt = 0;
  let optedOutIndex = 0;

  const writer = new NdjsonWriter(file);
  for (let line = 0; line < recipe.lines; line++) {
    let bsn = bsns.next().value as string;
    const roll = random();
    const fault = pickFault(roll);
    const optedOut = fault === undefined && roll < invalidShare() + recipe.optedOutShare && recipe.optedOut.length > 0;
    if (optedOut) bsn = recipe.optedOut[optedOutIndex++ % recipe.optedOut.length]!;
    const regeling = pick(random(), FILE_REGELINGEN);
    const body: Record<string, unknown> = {
      kenmerk: `${recipe.kenmerkPrefix}-${line}`, soort: 'MOGELIJK_RECHT', regeling: regeling.code,
      burgerservicenummer: fault === 'elfproef' ? spoilBsn(bsn) : bsn,
      gemeentecode: fault === 'unknownGemeente' ? '9999' : gemeentecodes[Math.floor(random() * gemeentecodes.length)],
      geldigTot: fault === 'expired' ? '2020-12-31' : future,
      ...(fault === 'missingMember' ? {} : { aanleiding: { redenCode: regeling.reden, criteria: regeling.criteria, toelichting: regeling.toelichting } }),
    };
    if (random() < 0.5) {
      body.gegevens = {
        inkomen: { bron: 'UWV Polisadministratie', peildatum, bedragPerMaand: 90_000 + Math.floor(random() * 120_000), soort: 'UITKERING' },
        huishouden: { bron: 'BRP', peildatum, samenstelling: 'ALLEENSTAAND', aantalPersonen: 1 },
      };
    }
    let text = JSON.stringify(body);
    if (fault === 'notJson') text = text.slice(0, Math.floor(text.length / 2));
    await writer.line(text);
    if (fault !== undefined) invalid[fault]++;
    else if (optedOut) onderdrukt++;
  }
  const { bytes, digest } = await writer.close();
  const afgewezen = Object.values(invalid).reduce((a, b) => a + b, 0);
  return {
    file, lines: recipe.lines, bytes, digest, invalid,
    expected: { totaal: recipe.lines, geaccepteerd: recipe.lines - afgewezen - onderdrukt, afgewezen, onderdrukt, alBekend: 0 },
  };
}

/** The fault of a line for a roll in [0, 1): the first `invalidShare()` of the range is faulty. */
function pickFault(roll: number): keyof typeof INVALID_KINDS | undefined {
  let edge = 0;
  for (const [kind, share] of Object.entries(INVALID_KINDS) as Array<[keyof typeof INVALID_KINDS, number]>) {
    edge += share;
    if (roll < edge) return kind;
  }
  return undefined;
}

function invalidShare(): number {
  return Object.values(INVALID_KINDS).reduce((a, b) => a + b, 0);
}

function pick<T extends { share: number }>(roll: number, options: readonly T[]): T {
  let edge = 0;
  for (const option of options) {
    edge += option.share;
    if (roll < edge) return option;
  }
  return options[options.length - 1]!;
}

/** The same BSN with another ninth digit: the elfproef admits exactly one, so this one fails. */
function spoilBsn(bsn: string): string {
  return bsn.slice(0, 8) + String((Number(bsn[8]) + 1) % 10);
}

/** A small, fast, seedable PRNG (mulberry32): reproducible files without a dependency. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
