// Exact decimals for N 数值 and Y 货币: kept as canonical strings, never as binary floats, so a
// loaded amount is served and compared exactly (0.1 + 0.2 problems cannot reach a record).

/** A decimal split into parts; digits only, without leading (int) or trailing (frac) zeros. */
export type Decimal = { negative: boolean; int: string; frac: string };

/**
 * A double keeps every decimal of at most 15 significant digits (DBL_DIG): such a number reads
 * back as the text the provider wrote. Beyond that JSON.parse may already have changed the value,
 * so the provider must send a decimal string.
 */
const DOUBLE_EXACT_DIGITS = 15;

const DECIMAL_STRING = /^(-?)(\d+)(?:\.(\d+))?$/;
/** Shape of String(n) for a finite number: optional sign, mantissa, optional exponent. */
const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

const stripLeading = (s: string) => s.replace(/^0+/, '');
const stripTrailing = (s: string) => s.replace(/0+$/, '');

function make(negative: boolean, int: string, frac: string): Decimal {
  const d = { negative, int: stripLeading(int), frac: stripTrailing(frac) };
  // There is one zero: "-0", "-0.00" and "0" are the same value.
  if (d.int === '' && d.frac === '') d.negative = false;
  return d;
}

/**
 * Reads a decimal from a JSON number or a string of digits with an optional '-' and fraction
 * (`-0012.340` is fine; no '+', exponent, spaces or thousands separators).
 */
export function readDecimal(value: unknown): { ok: true; value: Decimal } | { ok: false; problem: string } {
  if (typeof value === 'string') {
    const m = DECIMAL_STRING.exec(value);
    if (!m) return { ok: false, problem: 'must be a decimal number: digits with an optional "-" and fraction (e.g. "-1234.50")' };
    return { ok: true, value: make(m[1] === '-', m[2]!, m[3] ?? '') };
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, problem: 'must be a finite number' };
    const d = decimalFromNumber(value);
    if (stripTrailing(stripLeading(d.int + d.frac)).length > DOUBLE_EXACT_DIGITS) {
      return { ok: false, problem: `has more than ${DOUBLE_EXACT_DIGITS} significant digits: send it as a decimal string to keep every digit` };
    }
    return { ok: true, value: d };
  }
  return { ok: false, problem: 'must be a number or a decimal string' };
}

/**
 * The shortest decimal that reads back as `n` (what String(n) gives), without exponent notation:
 * 1e21 → 1000000000000000000000, 1.5e-7 → 0.00000015. `n` must be finite.
 */
export function decimalFromNumber(n: number): Decimal {
  const m = NUMBER_TEXT.exec(String(n))!;
  const mantissa = m[2]! + (m[3] ?? '');
  // Move the decimal point by the exponent: its position counted in mantissa digits.
  const point = m[2]!.length + Number(m[4] ?? 0);
  const padded = point <= 0 ? '0'.repeat(1 - point) + mantissa : mantissa.padEnd(point, '0');
  const at = Math.max(point, 1);
  return make(m[1] === '-', padded.slice(0, at), padded.slice(at));
}

/** Canonical text: `-12.5`, `0`, `0.001`; with `scale`, exactly that many fraction digits (`12.50`). */
export function formatDecimal(d: Decimal, scale?: number): string {
  const frac = scale === undefined ? d.frac : d.frac.padEnd(scale, '0');
  return (d.negative ? '-' : '') + (d.int === '' ? '0' : d.int) + (frac === '' ? '' : `.${frac}`);
}
