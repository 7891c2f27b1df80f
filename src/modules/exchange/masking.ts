// 脱敏: a data item's mask rule applied to a stored value when the grant does not allow plain
// values. The rule grammar is the catalog's (parseMask in ../catalog/resource-validation.ts);
// the semantics are stated in README.md.
import { parseMask, type DataItem, type MaskRule } from '../catalog/resource-validation.js';
import { decimalFromNumber, formatDecimal } from './decimal.js';
import type { RecordValue } from './record-validation.js';

/** What a masked value becomes when nothing of it may show. */
export const MASK_CHAR = '*';

/**
 * Masks a text by code points (a character of CJK Extension B, outside the BMP, is one character
 * and is never split into half a surrogate pair). A keep rule that would keep every character of
 * a value shorter than the item's length masks the value whole: a rule never reveals a value.
 */
export function maskText(value: string, rule: MaskRule): string {
  if (rule.kind === 'none') return value;
  const chars = Array.from(value);
  if (rule.kind === 'full' || rule.first + rule.last >= chars.length) return MASK_CHAR.repeat(chars.length);
  return chars.slice(0, rule.first).join('')
    + MASK_CHAR.repeat(chars.length - rule.first - rule.last)
    + chars.slice(chars.length - rule.last).join('');
}

const MAX_CACHED_RULES = 1_000;
// A catalog has a handful of distinct rules; parsing each once keeps batch-get off the regex.
const parsedRules = new Map<string, MaskRule | undefined>();
function ruleOf(mask: string): MaskRule | undefined {
  if (parsedRules.has(mask)) return parsedRules.get(mask);
  const rule = parseMask(mask);
  // Rules come from the catalog, not from callers; the bound only guards against a runaway catalog.
  if (parsedRules.size < MAX_CACHED_RULES) parsedRules.set(mask, rule);
  return rule;
}
const NUMBER_TYPES = new Set<DataItem['type']>(['N', 'Y', 'I', 'B', 'F']);

/**
 * Masks a stored value of `item` by its rule. Rule `none` returns the value unchanged, in its own
 * type; every other rule returns a string, since a partly hidden number is no longer a number.
 * - C, M, D, T: character by character on the stored text (D `2024-05-01` with first:4 → `2024******`).
 * - N, Y, I, B, F: `full` gives a single `*` (one star per digit would show the magnitude of an
 *   income or a balance); a keep rule masks the canonical decimal text character by character.
 * - L (boolean) and G (binary): any rule but none gives a single `*`; a kept first character of
 *   `true`/`false` or the length would show the value, and base64 characters mean nothing alone.
 * - null (unknown) stays null: there is nothing to hide.
 */
export function maskValue(value: RecordValue | null, item: Pick<DataItem, 'type' | 'mask'>): RecordValue | null {
  if (value === null) return null;
  const rule = ruleOf(item.mask);
  // A rule the catalog should have refused hides everything rather than nothing (deny by default).
  if (rule === undefined) return MASK_CHAR;
  if (rule.kind === 'none') return value;
  if (item.type === 'L' || item.type === 'G') return MASK_CHAR;
  if (NUMBER_TYPES.has(item.type)) {
    if (rule.kind === 'full') return MASK_CHAR;
    return maskText(typeof value === 'number' ? formatDecimal(decimalFromNumber(value)) : String(value), rule);
  }
  return maskText(String(value), rule);
}

