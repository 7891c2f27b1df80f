import { describe, expect, it } from 'vitest';
import { checkMask, parseMask, type DataItem } from '../../../src/modules/catalog/resource-validation.js';
import { maskText, maskValue } from '../../../src/modules/exchange/masking.js';
import { int, pick, rng, text } from './generators.js';

const rule = (r: string) => parseMask(r)!;
const mask = (value: string | number | boolean | null, type: DataItem['type'], m: string) => maskValue(value, { type, mask: m });

describe('maskText: the catalog grammar, by code points', () => {
  it('applies every form of rule', () => {
    expect(maskText('11010519491231002X', rule('first:6,last:4'))).toBe('110105********002X');
    expect(maskText('张小三', rule('first:1'))).toBe('张**');
    expect(maskText('13800138000', rule('last:4'))).toBe('*******8000');
    expect(maskText('secret', rule('full'))).toBe('******');
    expect(maskText('公开', rule('none'))).toBe('公开');
  });

  it('never splits a character outside the BMP', () => {
    expect(maskText('𠀀𠀁𠀂', rule('last:1'))).toBe('**𠀂');
    expect(maskText('𠮷野家', rule('first:1'))).toBe('𠮷**');
    expect(maskText('王𪚥', rule('first:1'))).toBe('王*');
    expect(maskText('😀😀😀', rule('full'))).toBe('***');
  });

  it('masks a value too short to keep both ends whole, so a rule never reveals a value', () => {
    expect(maskText('张三', rule('first:1,last:1'))).toBe('**');
    expect(maskText('张', rule('first:1'))).toBe('*');
    expect(maskText('1234', rule('last:4'))).toBe('****');
    expect(maskText('12345', rule('last:4'))).toBe('*2345');
    expect(maskText('', rule('first:2'))).toBe('');
    expect(maskText('', rule('full'))).toBe('');
  });

  it('property: output has one character per input character, only kept ones equal the input, the rest are *', () => {
    const r = rng(1272);
    const rules = ['full', 'first:1', 'first:6', 'last:1', 'last:4', 'first:6,last:4', 'first:1,last:1', 'first:3,last:2'];
    for (let n = 0; n < 2000; n++) {
      const value = text(r, 30);
      const m = rule(pick(r, rules));
      const out = maskText(value, m);
      const inChars = Array.from(value);
      const outChars = Array.from(out);
      expect(outChars).toHaveLength(inChars.length);
      // No output is ever a lone surrogate: the masked text is well-formed Unicode.
      expect(/\p{Cs}/u.test(out)).toBe(false);
      const keep = m.kind === 'keep' && m.first + m.last < inChars.length ? m : { first: 0, last: 0 };
      outChars.forEach((c, i) => {
        const kept = i < keep.first || i >= inChars.length - keep.last;
        expect(c, `${value} ${JSON.stringify(m)}`).toBe(kept ? inChars[i] : '*');
      });
      // At least one character is hidden whenever there is one.
      if (inChars.length > 0) expect(outChars).toContain('*');
    }
  });

  it('property: with a rule the catalog accepts for the item length, a value of that length keeps its middle hidden', () => {
    const r = rng(99);
    for (let n = 0; n < 500; n++) {
      const length = int(r, 2, 30);
      const first = int(r, 0, length - 1);
      const last = int(r, 0, length - 1 - first);
      if (first === 0 && last === 0) continue;
      const m = first === 0 ? `last:${last}` : last === 0 ? `first:${first}` : `first:${first},last:${last}`;
      expect(checkMask(m, length)).toBeUndefined();
      const value = '𠀀'.repeat(length);
      expect(Array.from(maskText(value, rule(m))).filter((c) => c === '*')).toHaveLength(length - first - last);
    }
  });
});

describe('maskValue: by type letter', () => {
  it('returns the value unchanged, in its own type, under none', () => {
    expect(mask(12.5, 'B', 'none')).toBe(12.5);
    expect(mask(true, 'L', 'none')).toBe(true);
    expect(mask('88.80', 'Y', 'none')).toBe('88.80');
    expect(mask('AAEC', 'G', 'none')).toBe('AAEC');
  });

  it('keeps null (unknown) null under any rule', () => {
    for (const m of ['none', 'full', 'first:1', 'last:2', 'first:1,last:1']) expect(mask(null, 'C', m)).toBeNull();
    expect(mask(null, 'L', 'full')).toBeNull();
  });

  it('masks text types (C, M, D, T) character by character', () => {
    expect(mask('张小三', 'C', 'first:1')).toBe('张**');
    expect(mask('第一行\n第二行', 'M', 'full')).toBe('*******');
    expect(mask('1949-12-31', 'D', 'first:4')).toBe('1949******');
    expect(mask('2020-01-01T00:00:00Z', 'T', 'first:10')).toBe('2020-01-01**********');
  });

  it('masks a number whole to a single * under full, so its magnitude does not show', () => {
    expect(mask('123456789.00', 'Y', 'full')).toBe('*');
    expect(mask('1.5', 'Y', 'full')).toBe('*');
    expect(mask('-12', 'N', 'full')).toBe('*');
    expect(mask(42, 'I', 'full')).toBe('*');
    expect(mask(0.1, 'B', 'full')).toBe('*');
    expect(mask(3.5, 'F', 'full')).toBe('*');
  });

  it('masks a number under a keep rule on its decimal text, as a string', () => {
    expect(mask('12345.67', 'Y', 'last:2')).toBe('******67');
    expect(mask('-12345', 'N', 'first:2')).toBe('-1****');
    expect(mask(2024, 'I', 'first:2')).toBe('20**');
    expect(mask(1e21, 'B', 'first:1')).toBe('1' + '*'.repeat(21));
    expect(mask(1.5e-7, 'F', 'last:2')).toBe('********15');
  });

  it('masks a boolean or binary to a single * under any rule but none', () => {
    for (const m of ['full', 'first:1', 'last:1', 'first:1,last:1']) {
      expect(mask(true, 'L', m)).toBe('*');
      expect(mask(false, 'L', m)).toBe('*');
      expect(mask('QUJDREVG', 'G', m)).toBe('*');
    }
  });

  it('hides everything under a rule the catalog would refuse (deny by default)', () => {
    expect(mask('张小三', 'C', 'first:0')).toBe('*');
    expect(mask('张小三', 'C', 'bogus')).toBe('*');
  });

  it('property: a masked value other than none is a string', () => {
    const r = rng(7);
    const samples: [DataItem['type'], string | number | boolean][] = [
      ['C', '张三'], ['M', 'memo'], ['D', '2024-01-01'], ['T', '2024-01-01T00:00:00Z'], ['N', '-1.5'], ['Y', '3.00'],
      ['I', 7], ['B', 0.25], ['F', -2], ['L', true], ['G', 'QQ=='],
    ];
    for (let n = 0; n < 200; n++) {
      const [type, value] = pick(r, samples);
      const m = pick(r, ['full', 'first:1', 'last:1', 'first:1,last:1']);
      expect(typeof mask(value, type, m)).toBe('string');
    }
  });
});
