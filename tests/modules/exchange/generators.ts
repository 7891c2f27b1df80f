// Seeded generators for the property tests of the exchange core: plain loops over reproducible
// inputs (a failing case names its seed), no property-testing library needed for these shapes.
import { citizenIdWithCheck, usccWithCheck } from '../../../src/lib/identifiers.js';
import { seededRandom } from '../../../src/lib/seeded-random.js';

export type Rng = () => number;

/** The seed makes a failure repeatable. */
export const rng: (seed: number) => Rng = seededRandom;

export const int = (r: Rng, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, 0, xs.length - 1)]!;

/** Characters from several planes: ASCII, common CJK, CJK Extension B (outside the BMP, a surrogate pair in UTF-16), emoji. */
const ALPHABET = ['a', 'Z', '7', ' ', '-', '张', '王', '丽', '龘', '𠀀', '𠮷', '𪚥', '😀', 'é'];

export function text(r: Rng, maxChars: number): string {
  const n = int(r, 0, maxChars);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(r, ALPHABET);
  return s;
}

export function citizenId(r: Rng): string {
  const region = pick(r, ['110105', '330106', '440524', '350102']);
  const year = int(r, 1930, 2020);
  const month = int(r, 1, 12);
  const day = int(r, 1, 28);
  const seq = String(int(r, 0, 999)).padStart(3, '0');
  return citizenIdWithCheck(`${region}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${seq}`);
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export function uscc(r: Rng): string {
  let org = '';
  for (let i = 0; i < 9; i++) org += pick(r, USCC_CHARS.split(''));
  return usccWithCheck(`91${pick(r, ['330100', '350100', '440300'])}${org}`);
}
