import { REGELINGEN } from './regelingen.js';

/** Optional data items an aanwijzing can carry. */
export const DATA_ITEMS = ['huishouden', 'inkomen', 'vermogen'] as const;
export type DataItem = (typeof DATA_ITEMS)[number];

/** What is configured for one regeling. */
export interface RegelingSettings {
  readonly naam: string;
  readonly gegevens: readonly DataItem[];
  readonly verwerkingsactiviteit: string;
}

/**
 * The regelingen in force: the built-in codelist plus what the operator configured, each with the
 * data items a signal may carry (data minimisation) and its processing activity.
 */
export class Regelingen {
  readonly #byCode: ReadonlyMap<string, RegelingSettings>;

  constructor(settings: ReadonlyMap<string, RegelingSettings>) {
    this.#byCode = settings;
  }

  /** The settings of a regeling, or undefined when the code is not in force. */
  get(code: string): RegelingSettings | undefined {
    return this.#byCode.get(code);
  }

  /** All codes in force. */
  get codes(): string[] {
    return [...this.#byCode.keys()];
  }

  /** The built-in name of a code, when it has one. */
  static builtInName(code: string): string | undefined {
    return Object.hasOwn(REGELINGEN, code) ? REGELINGEN[code as keyof typeof REGELINGEN] : undefined;
  }
}
