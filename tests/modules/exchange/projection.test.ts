import { describe, expect, it } from 'vitest';
import type { DataItem } from '../../../src/modules/catalog/resource-validation.js';
import { projectRecord } from '../../../src/modules/exchange/projection.js';
import type { ExchangeRecord } from '../../../src/modules/exchange/record-validation.js';
import { rng } from './generators.js';

const item = (key: string, type: DataItem['type'], mask: string): DataItem =>
  ({ key, name: key, type, length: 50, sensitivity: 'sensitive', mask });

const ITEMS: DataItem[] = [
  item('idNumber', 'C', 'first:6,last:4'),
  item('fullName', 'C', 'first:1'),
  item('birthDate', 'D', 'none'),
  item('address', 'C', 'full'),
  item('married', 'L', 'full'),
  item('income', 'Y', 'full'),
];
const RECORD: ExchangeRecord = {
  idNumber: '11010519491231002X',
  fullName: '张小三',
  birthDate: '1949-12-31',
  address: '北京市东城区',
  married: true,
  income: '12000.00',
};

describe('projectRecord', () => {
  it('returns every granted field, masked per data item, in catalog order', () => {
    expect(projectRecord({ record: RECORD, dataItems: ITEMS, granted: ['fullName', 'idNumber', 'married'], plain: false })).toEqual({
      ok: true,
      values: { idNumber: '110105********002X', fullName: '张**', married: '*' },
      fields: ['idNumber', 'fullName', 'married'],
    });
  });

  it('returns plain values when the grant allows them', () => {
    expect(projectRecord({ record: RECORD, dataItems: ITEMS, granted: ['idNumber', 'married', 'income'], plain: true })).toEqual({
      ok: true,
      values: { idNumber: '11010519491231002X', married: true, income: '12000.00' },
      fields: ['idNumber', 'married', 'income'],
    });
  });

  it('returns only the granted fields asked for', () => {
    expect(projectRecord({ record: RECORD, dataItems: ITEMS, granted: ['idNumber', 'fullName', 'birthDate'], asked: ['birthDate'], plain: false }))
      .toEqual({ ok: true, values: { birthDate: '1949-12-31' }, fields: ['birthDate'] });
  });

  it('refuses a request for fields outside the grant with FIELD_NOT_GRANTED naming each once, and returns no value', () => {
    const r = projectRecord({
      record: RECORD, dataItems: ITEMS, granted: ['fullName'], asked: ['fullName', 'address', 'nickname', 'address'], plain: true,
    });
    expect(r).toEqual({ ok: false, code: 'FIELD_NOT_GRANTED', fields: ['address', 'nickname'] });
  });

  it('gives null for a granted field the record has no value for', () => {
    const r = projectRecord({ record: { idNumber: RECORD.idNumber! }, dataItems: ITEMS, granted: ['idNumber', 'address'], plain: false });
    expect(r).toEqual({ ok: true, values: { idNumber: '110105********002X', address: null }, fields: ['idNumber', 'address'] });
  });

  it('does not serve a granted key that is no data item of the version (no mask rule to apply)', () => {
    const record = { ...RECORD, legacy: 'secret' } as ExchangeRecord;
    expect(projectRecord({ record, dataItems: ITEMS, granted: ['fullName', 'legacy'], plain: true }))
      .toEqual({ ok: true, values: { fullName: '张小三' }, fields: ['fullName'] });
  });

  it('reads only the record\'s own properties', () => {
    const items = [item('constructor', 'C', 'none'), item('toString', 'C', 'none')];
    expect(projectRecord({ record: {}, dataItems: items, granted: ['constructor', 'toString'], plain: true }))
      .toEqual({ ok: true, values: { constructor: null, toString: null }, fields: ['constructor', 'toString'] });
  });

  it('returns nothing for an empty request or an empty grant', () => {
    expect(projectRecord({ record: RECORD, dataItems: ITEMS, granted: ['fullName'], asked: [], plain: false }))
      .toEqual({ ok: true, values: {}, fields: [] });
    expect(projectRecord({ record: RECORD, dataItems: ITEMS, granted: [], plain: true }))
      .toEqual({ ok: true, values: {}, fields: [] });
  });

  it('property: no non-granted key ever appears, whatever is asked, and masked values equal plain ones only under none', () => {
    const r = rng(51);
    const keys = [...ITEMS.map((i) => i.key), 'nickname', 'constructor', '__proto__'];
    const subset = (xs: string[]) => xs.filter(() => r() < 0.5);
    for (let n = 0; n < 2000; n++) {
      const granted = subset(ITEMS.map((i) => i.key));
      const asked = r() < 0.3 ? undefined : subset(keys);
      const plain = r() < 0.5;
      const out = projectRecord({ record: RECORD, dataItems: ITEMS, granted, asked, plain });
      const refused = (asked ?? []).filter((k) => !granted.includes(k));
      if (refused.length > 0) {
        expect(out).toEqual({ ok: false, code: 'FIELD_NOT_GRANTED', fields: [...new Set(refused)] });
        continue;
      }
      expect(out.ok).toBe(true);
      if (!out.ok) continue;
      const returned = Object.keys(out.values);
      for (const k of returned) expect(granted).toContain(k);
      expect(returned).toEqual(out.fields);
      expect(new Set(returned)).toEqual(new Set(asked ?? granted));
      for (const it of ITEMS.filter((i) => returned.includes(i.key))) {
        if (plain || it.mask === 'none') expect(out.values[it.key]).toBe(RECORD[it.key]);
        else expect(out.values[it.key]).not.toBe(RECORD[it.key]);
      }
    }
  });
});
