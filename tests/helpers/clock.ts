import type { Clock } from '../../src/lib/clock.js';

export interface ManualClock extends Clock {
  set(instant: Date | string): void;
  advance(ms: number): void;
}

/** A clock the test moves by hand; services read "now" from it. Strings without a zone are Shanghai time. */
export function manualClock(start: Date | string): ManualClock {
  const parse = (v: Date | string) => (v instanceof Date ? v : new Date(/[Zz]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}+08:00`));
  let now = parse(start);
  const clock = (() => new Date(now)) as ManualClock;
  clock.set = (instant) => { now = parse(instant); };
  clock.advance = (ms) => { now = new Date(now.getTime() + ms); };
  return clock;
}
