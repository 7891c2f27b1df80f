import { describe, expect, it } from 'vitest';
import { translatePgError } from '../../../src/lib/pg-errors.js';
import { makeUser } from '../../helpers/fixtures.js';
import { createDraft, resourceBody } from './catalog-fixtures.js';
import { useFixture, useTestApp } from '../../helpers/use-test-app.js';

// API.md: never a 500 for bad input. U+0000 cannot be stored by PostgreSQL (text: 22021, jsonb:
// 22P05) and a number past an integer column's range is 22003.
describe('bad input to the catalog is a 400, never a 500', () => {
  const ctx = useTestApp();
  const owner = useFixture(() => makeUser(ctx, 'dept_admin'));
  const draft = useFixture(() => createDraft(ctx, owner.headers));

  async function expect400(res: { statusCode: number; body: string; json(): { code: string; errors?: { pointer: string }[] } }, pointer?: string) {
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    if (pointer) expect(res.json().errors?.map((e) => e.pointer), res.body).toContain(pointer);
  }

  it('translates the PostgreSQL errors of bad input into VALIDATION_FAILED', async () => {
    const pgError = (sql: string, value: string) => ctx.db.raw(sql, [value]).then(() => undefined, (err: unknown) => err);
    const cases: [string, string, string][] = [
      ['select ?::text', 'a\u0000b', '22021'],
      ['select ?::jsonb', '"\\u0000"', '22P05'],
      ['select ?::integer', '99999999999', '22003'],
    ];
    for (const [sql, value, code] of cases) {
      const err = await pgError(sql, value);
      expect(err, sql).toMatchObject({ code });
      expect(translatePgError(err), code).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    }
  });

  // The schemas refuse it first, naming the field; the database mapping is the safety net.
  it.each([
    ['a resource id', '/v1/resources/abc%00', '/params/id'],
    ['a resource id, versions', '/v1/resources/abc%00/versions', '/params/id'],
    ['the text query', '/v1/resources?q=%00', '/querystring/q'],
    ['a text query term', '/v1/resources?q=%E5%A9%9A%00%E5%A7%BB', '/querystring/q'],
    ['the provider filter', '/v1/resources?provider=%00', '/querystring/provider'],
    ['a department code', '/v1/departments/%00/responsibilities', '/params/code'],
  ])('answers U+0000 in %s', async (_label, url, pointer) => {
    await expect400(await ctx.app.inject({ method: 'GET', url, headers: owner.headers }), pointer);
  });

  it('answers a version past the integer range', async () => {
    await expect400(await ctx.app.inject({ method: 'GET', url: `/v1/resources/${draft.id}?version=99999999999`, headers: owner.headers }), '/querystring/version');
  });

  it.each([
    ['the name', { name: '婚姻\u0000登记' }, '/name'],
    ['a data item name', { dataItems: [{ key: 'idNumber', name: '身份\u0000号码', type: 'C', length: 18, sensitivity: 'highly_sensitive', mask: 'none' }], subjectKey: 'idNumber' }, '/dataItems/0/name'],
    ['a data item description', { dataItems: [{ key: 'idNumber', name: '身份号码', description: '\u0000', type: 'C', length: 18, sensitivity: 'highly_sensitive', mask: 'none' }], subjectKey: 'idNumber' }, '/dataItems/0/description'],
    ['a control parameter', { controlParams: [{ key: 'letterNo', name: '授权书\u0000编号' }] }, '/controlParams/0/name'],
    ['the contact', { contact: { name: '王\u0000', phone: '0571-87001234' } }, '/contact/name'],
    ['the legal basis', { shareType: 2, shareConditions: '仅限', legalBasis: '《条例》\u0000' }, '/legalBasis'],
  ])('answers U+0000 in %s of a body', async (_label, overrides, pointer) => {
    await expect400(await ctx.app.inject({ method: 'POST', url: '/v1/resources', headers: owner.headers, payload: resourceBody(overrides) }), `/body${pointer}`);
    await expect400(await ctx.app.inject({ method: 'PATCH', url: `/v1/resources/${draft.id}`, headers: owner.headers, payload: overrides }), `/body${pointer}`);
  });

  it('answers U+0000 in a review or deprecation reason', async () => {
    const admin = await makeUser(ctx, 'platform_admin');
    const review = await ctx.app.inject({ method: 'POST', url: `/v1/resources/${draft.id}/review`, headers: admin.headers, payload: { decision: 'reject', reason: '不\u0000行' } });
    await expect400(review, '/body/reason');
    const deprecate = await ctx.app.inject({ method: 'POST', url: `/v1/resources/${draft.id}/deprecate`, headers: owner.headers, payload: { reason: '\u0000' } });
    await expect400(deprecate, '/body/reason');
  });
});
