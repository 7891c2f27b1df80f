import { describe, expect, it } from 'vitest';
import {
  checkMask,
  checkResource,
  parseMask,
  type ResourceMetadata,
} from '../../src/modules/catalog/resource-validation.js';
import { RESOURCE_CODE_PATTERN, MASK_PATTERN } from '../../schemas/catalog.js';

const base: ResourceMetadata = {
  name: '婚姻登记信息',
  categoryCode: '101001',
  summary: '婚姻登记记录',
  format: 'database',
  formatSubtype: null,
  dataItems: [
    { key: 'idNumber', name: '公民身份号码', type: 'C', length: 18, sensitivity: 'highly_sensitive', mask: 'first:6,last:4' },
    { key: 'fullName', name: '姓名', type: 'C', length: 50, sensitivity: 'sensitive', mask: 'first:1' },
  ],
  shareType: 1,
  shareConditions: null,
  legalBasis: null,
  shareMethod: 'interface',
  openToPublic: false,
  openConditions: null,
  updateCycle: 'daily',
  relatedCodes: [],
  subjectType: 'person',
  subjectKey: 'idNumber',
  controlParams: [],
  delivery: { mode: 'hosted' },
  contact: { name: '王科长', phone: '0571-87001234' },
};
const check = (patch: Partial<ResourceMetadata>, code = '101001/00001') => checkResource(code, { ...base, ...patch }, '/body');

describe('resource code format (分类码/顺序码)', () => {
  const valid = new RegExp(RESOURCE_CODE_PATTERN);
  it.each(['101001/00001', '201003/1', '3050011234/000123', '199999999999999999/0000000001'])('accepts %s', (code) => {
    expect(valid.test(code)).toBe(true);
  });
  it.each([
    ['401001/00001', 'class must be 1, 2 or 3'],
    ['10100/00001', '目 needs 3 digits'],
    ['101001-00001', 'separator is /'],
    ['101001/', 'sequence is required'],
    ['1010A1/00001', 'digits only'],
    ['101001/00001/2', 'one separator'],
    ['1010010000000000000/1', '细目 at most 12 digits'],
  ])('rejects %s (%s)', (code) => {
    expect(valid.test(code)).toBe(false);
  });
});

describe('checkResource', () => {
  it('accepts a consistent resource', () => {
    expect(check({})).toEqual([]);
  });

  it('names a category that differs from the code', () => {
    expect(check({ categoryCode: '101002' })).toEqual([{ pointer: '/body/categoryCode', message: 'must equal the classification part of the code (101001)' }]);
  });

  it('names the second of two items with the same key', () => {
    const dataItems = [...base.dataItems, { key: 'fullName', name: '曾用名', type: 'C' as const, length: 50, sensitivity: 'sensitive' as const, mask: 'none' }];
    expect(check({ dataItems })).toEqual([{ pointer: '/body/dataItems/2/key', message: "duplicate key 'fullName' (also at /body/dataItems/1/key)" }]);
  });

  it('requires a legal basis for share types 2 and 3, and conditions for type 2', () => {
    expect(check({ shareType: 2, shareConditions: '仅限本人授权' })).toEqual([
      { pointer: '/body/legalBasis', message: 'is required for share type 2 (有条件共享)' },
    ]);
    expect(check({ shareType: 3, legalBasis: '  ' })).toEqual([{ pointer: '/body/legalBasis', message: 'is required for share type 3 (不予共享)' }]);
    expect(check({ shareType: 2, legalBasis: '《婚姻登记条例》' })).toEqual([{ pointer: '/body/shareConditions', message: 'is required for share type 2 (有条件共享)' }]);
    expect(check({ shareType: 3, legalBasis: '《保守国家秘密法》' })).toEqual([]);
    expect(check({ shareType: 1, shareConditions: '仅限' })).toEqual([{ pointer: '/body/shareConditions', message: 'must be absent for share type 1 (无条件共享)' }]);
  });

  it('requires the subject key to be a data item unless the subject type is none', () => {
    expect(check({ subjectKey: 'nope' })).toEqual([{ pointer: '/body/subjectKey', message: "'nope' is not the key of a data item" }]);
    expect(check({ subjectKey: null })[0]!.pointer).toBe('/body/subjectKey');
    expect(check({ subjectType: 'none', subjectKey: 'idNumber' })).toEqual([{ pointer: '/body/subjectKey', message: "must be absent when subjectType is 'none'" }]);
    expect(check({ subjectType: 'none', subjectKey: null })).toEqual([]);
  });

  it('requires an endpoint for provider_api and none for hosted', () => {
    expect(check({ delivery: { mode: 'provider_api' } })).toEqual([{ pointer: '/body/delivery/endpoint', message: "is required when mode is 'provider_api'" }]);
    expect(check({ delivery: { mode: 'hosted', endpoint: 'https://x.example' } })[0]!.pointer).toBe('/body/delivery/endpoint');
    expect(check({ delivery: { mode: 'provider_api', endpoint: 'https://x.example/api' } })).toEqual([]);
  });

  it('checks contacts, open conditions, control parameter keys, related codes and masks', () => {
    expect(check({ contact: { name: '王科长' } })).toEqual([{ pointer: '/body/contact', message: 'needs a phone or an email' }]);
    expect(check({ openConditions: '注册用户' })[0]!.pointer).toBe('/body/openConditions');
    expect(check({ openToPublic: true, openConditions: '注册用户' })).toEqual([]);
    expect(check({ controlParams: [{ key: 'a', name: 'A' }, { key: 'a', name: 'B' }] })).toEqual([{ pointer: '/body/controlParams/1/key', message: "duplicate key 'a'" }]);
    expect(check({ relatedCodes: ['101002/00001', '101001/00001'] })).toEqual([{ pointer: '/body/relatedCodes/1', message: 'a resource cannot be related to itself' }]);
    const dataItems = [{ ...base.dataItems[0]!, mask: 'first:10,last:8' }, base.dataItems[1]!];
    expect(check({ dataItems })).toEqual([{ pointer: '/body/dataItems/0/mask', message: 'keeps 18 of at most 18 characters, so it would hide nothing' }]);
  });

  it('reports every problem at once', () => {
    expect(check({ shareType: 2, subjectKey: 'nope', delivery: { mode: 'provider_api' } }).map((p) => p.pointer)).toEqual([
      '/body/legalBasis', '/body/shareConditions', '/body/subjectKey', '/body/delivery/endpoint',
    ]);
  });
});

describe('masking rules', () => {
  const schemaAccepts = (rule: string) => new RegExp(MASK_PATTERN).test(rule);

  it.each([
    ['none', { kind: 'none' }],
    ['full', { kind: 'full' }],
    ['first:3', { kind: 'keep', first: 3, last: 0 }],
    ['last:4', { kind: 'keep', first: 0, last: 4 }],
    ['first:6,last:4', { kind: 'keep', first: 6, last: 4 }],
  ])('parses %s', (rule, parsed) => {
    expect(parseMask(rule)).toEqual(parsed);
    expect(schemaAccepts(rule)).toBe(true);
  });

  it.each(['', 'first:0', 'first:', 'last:4,first:6', 'first:6;last:4', 'first:100', 'keep', 'hash', 'first:6,last:4,'])('rejects %j in parser and schema alike', (rule) => {
    expect(parseMask(rule)).toBeUndefined();
    expect(schemaAccepts(rule)).toBe(false);
  });

  it('refuses a rule that would show a whole value of the item length', () => {
    expect(checkMask('first:6,last:4', 18)).toBeUndefined();
    expect(checkMask('last:8', 8)).toMatch(/would hide nothing/);
    expect(checkMask('bogus', 8)).toMatch(/is not a masking rule/);
  });
});
