/** The source of "now" for everything time-dependent, so tests can freeze it. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved; for tests. */
export class FixedClock implements Clock {
  #ms: number;
  constructor(at: Date | string) {
    this.#ms = new Date(at).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  /** Moves the clock forward. */
  advance(seconds: number): void {
    this.#ms += seconds * 1000;
  }
}
