import { describe, expect, it } from 'vitest';
import { metadataToColumns, rowToMetadata, versionColumns } from '../../../src/modules/catalog/catalog-rows.js';
import { publishVersion } from '../../../src/modules/catalog/catalog-service.js';
import { adminHeaders, makeDepartment, makeUser } from '../../helpers/fixtures.js';
import { act, createDraft, eventsOf, publishedResource } from './catalog-fixtures.js';
import { useFixture, useTestApp } from '../../helpers/use-test-app.js';

type Headers = Record<string, string>;

describe('resource life cycle', () => {
  const ctx = useTestApp();
  const admin: Headers = useFixture(() => adminHeaders(ctx));
  const dept = useFixture(() => makeDepartment(ctx, { name: '省民政厅' }));
  const owner = useFixture(() => makeUser(ctx, 'dept_admin', dept.code));
  const operator = useFixture(() => makeUser(ctx, 'dept_operator', dept.code));
  const stranger = useFixture(() => makeUser(ctx, 'dept_operator'));

  const get = (id: string, headers: Headers, query = '') =>
    ctx.app.inject({ method: 'GET', url: `/v1/resources/${encodeURIComponent(id)}${query}`, headers });
  const patch = (id: string, headers: Headers, payload: object) =>
    ctx.app.inject({ method: 'PATCH', url: `/v1/resources/${encodeURIComponent(id)}`, headers, payload });
  const expectConflict = (res: { statusCode: number; json(): unknown }, state: string) => {
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ILLEGAL_STATE', currentState: state });
  };

  it('walks a resource from draft through rejection, publication, revision, supersession and deprecation', async () => {
    // Drafted by an operator of the department.
    const draft = await createDraft(ctx, operator.headers);
    expect(draft).toMatchObject({ status: 'draft', version: 1, versionStatus: 'draft', publishedVersion: null, latestVersion: 1,
      providerCode: owner.departmentCode, providerName: '省民政厅', categoryCode: '101001', publishDate: null });
    const id = draft.id;

    // Review and deprecation are refused while it is a draft.
    expectConflict(await act(ctx, admin, id, 'review', { decision: 'publish' }), 'draft');
    expectConflict(await act(ctx, owner.headers, id, 'deprecate', { reason: '不再提供' }), 'draft');

    // Submitted: the resource and its version are in review; a second submit and edits are refused.
    const submitted = await act(ctx, operator.headers, id, 'submit');
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json()).toMatchObject({ status: 'pending_review', versionStatus: 'pending_review' });
    expect(submitted.json().submittedAt).toEqual(expect.any(String));
    expectConflict(await act(ctx, owner.headers, id, 'submit'), 'pending_review');
    expectConflict(await patch(id, owner.headers, { name: '婚姻登记信息（新）' }), 'pending_review');

    // A rejection needs a reason and sends it back to draft, reason kept.
    const noReason = await act(ctx, admin, id, 'review', { decision: 'reject' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors).toContainEqual({ pointer: '/body/reason', message: 'is required when rejecting' });
    const rejected = await act(ctx, admin, id, 'review', { decision: 'reject', reason: '摘要不完整' });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'draft', versionStatus: 'draft', version: 1, reviewReason: '摘要不完整' });

    // The draft is edited in place (still version 1), resubmitted and published.
    const edited = await patch(id, operator.headers, { summary: '全省婚姻登记机关办理的结婚、离婚、补领证登记记录' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ version: 1, versionStatus: 'draft', summary: '全省婚姻登记机关办理的结婚、离婚、补领证登记记录' });
    expect((await act(ctx, operator.headers, id, 'submit')).statusCode).toBe(200);
    const published = await act(ctx, admin, id, 'review', { decision: 'publish' });
    expect(published.statusCode).toBe(200);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(published.json()).toMatchObject({ status: 'published', versionStatus: 'published', publishedVersion: 1, latestVersion: 1,
      publishDate: today, reviewReason: null });

    // A published version is never edited again through review or submit.
    expectConflict(await act(ctx, admin, id, 'review', { decision: 'publish' }), 'published');
    expectConflict(await act(ctx, owner.headers, id, 'submit'), 'published');

    // Editing the published resource drafts version 2; version 1 keeps serving.
    const revision = await patch(id, operator.headers, { name: '婚姻登记信息（2026版）' });
    expect(revision.statusCode).toBe(200);
    expect(revision.json()).toMatchObject({ version: 2, versionStatus: 'draft', status: 'published', publishedVersion: 1, latestVersion: 2 });
    const stillServing = await get(id, owner.headers);
    expect(stillServing.json()).toMatchObject({ version: 1, versionStatus: 'published', name: '婚姻登记信息' });
    // A second edit changes the same draft version.
    const again = await patch(id, operator.headers, { updateCycle: 'realtime' });
    expect(again.json()).toMatchObject({ version: 2, name: '婚姻登记信息（2026版）', updateCycle: 'realtime' });
    expect((await ctx.db('resource_versions').where('resource_id', id).count({ n: '*' }).first())!.n).toBe(2);

    // Submitting the revision leaves the resource published and applicable.
    const inReview = await act(ctx, owner.headers, id, 'submit');
    expect(inReview.json()).toMatchObject({ status: 'published', version: 2, versionStatus: 'pending_review' });
    expect((await get(id, stranger.headers)).json()).toMatchObject({ status: 'published', version: 1, publishedVersion: 1, latestVersion: 1 });

    // Publishing it supersedes version 1, which stays readable.
    const v2 = await act(ctx, admin, id, 'review', { decision: 'publish', reason: '符合编目要求' });
    expect(v2.json()).toMatchObject({ status: 'published', version: 2, versionStatus: 'published', publishedVersion: 2, reviewReason: '符合编目要求' });
    const v1 = await get(id, owner.headers, '?version=1');
    expect(v1.json()).toMatchObject({ version: 1, versionStatus: 'superseded', name: '婚姻登记信息' });
    expect((await get(id, stranger.headers)).json()).toMatchObject({ version: 2, publishedVersion: 2 });

    // A rejected revision goes back to draft without touching the published version.
    await patch(id, owner.headers, { summary: '修订中' });
    await act(ctx, owner.headers, id, 'submit');
    const revisionRejected = await act(ctx, admin, id, 'review', { decision: 'reject', reason: '修订理由不足' });
    expect(revisionRejected.json()).toMatchObject({ status: 'published', publishedVersion: 2, version: 3, versionStatus: 'draft', reviewReason: '修订理由不足' });

    const versions = await ctx.app.inject({ method: 'GET', url: `/v1/resources/${id}/versions`, headers: owner.headers });
    expect(versions.json().items.map((v: { version: number; status: string }) => [v.version, v.status]))
      .toEqual([[3, 'draft'], [2, 'published'], [1, 'superseded']]);

    // Deprecation by the owner's admin: no more edits, submissions, reviews or applications.
    const deprecated = await act(ctx, owner.headers, id, 'deprecate', { reason: '数据源整合至省大数据局' });
    expect(deprecated.statusCode).toBe(200);
    expect(deprecated.json()).toMatchObject({ status: 'deprecated', version: 2 });
    expectConflict(await act(ctx, owner.headers, id, 'deprecate', { reason: '再次' }), 'deprecated');
    expectConflict(await patch(id, owner.headers, { name: 'x' }), 'deprecated');
    expectConflict(await act(ctx, owner.headers, id, 'submit'), 'deprecated');
    expectConflict(await act(ctx, admin, id, 'review', { decision: 'publish' }), 'deprecated');
    // Still readable, at its last published version.
    expect((await get(id, owner.headers)).json()).toMatchObject({ status: 'deprecated', version: 2 });

    // Every change is on the trail, in order, with actor, version and reason.
    const events = await eventsOf(ctx, id);
    expect(events.map((e) => [e.action, e.entity_version, e.reason])).toEqual([
      ['resource.created', 1, null],
      ['resource.submitted', 1, null],
      ['resource.rejected', 1, '摘要不完整'],
      ['resource.updated', 1, null],
      ['resource.submitted', 1, null],
      ['resource.published', 1, null],
      ['resource.revision_drafted', 2, null],
      ['resource.updated', 2, null],
      ['resource.submitted', 2, null],
      ['resource.published', 2, '符合编目要求'],
      ['resource.revision_drafted', 3, null],
      ['resource.submitted', 3, null],
      ['resource.rejected', 3, '修订理由不足'],
      ['resource.deprecated', 2, '数据源整合至省大数据局'],
    ]);
    expect(events[0]).toMatchObject({ actor_kind: 'user', actor_id: operator.id, actor_department: owner.departmentCode, details: { code: draft.code } });
    expect(events[9]!.details).toMatchObject({ supersededVersions: [1] });
    expect(events.every((e) => typeof e.request_id === 'string' && e.request_id.length > 0)).toBe(true);
  });

  it('lets the platform admin deprecate any published resource', async () => {
    const r = await publishedResource(ctx, owner.headers, admin);
    const res = await act(ctx, admin, r.id, 'deprecate', { reason: '主管部门决定停用' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('deprecated');
  });

  it('returns a revision in review to draft when the resource is deprecated, so none waits for a review that cannot happen', async () => {
    const r = await publishedResource(ctx, owner.headers, admin);
    await patch(r.id, owner.headers, { summary: '修订送审中' });
    expect((await act(ctx, owner.headers, r.id, 'submit')).json()).toMatchObject({ version: 2, versionStatus: 'pending_review' });
    const queue = async () => (await ctx.app.inject({ method: 'GET', url: '/v1/resources?latestStatus=pending_review&limit=200', headers: admin })).json().items.map((i: { id: string }) => i.id);
    expect(await queue()).toContain(r.id);

    expect((await act(ctx, owner.headers, r.id, 'deprecate', { reason: '停止提供' })).statusCode).toBe(200);
    expect(await queue()).not.toContain(r.id);
    expect((await get(r.id, owner.headers, '?version=2')).json()).toMatchObject({ versionStatus: 'draft', reviewReason: 'resource deprecated' });
    expect((await eventsOf(ctx, r.id)).at(-1)).toMatchObject({ action: 'resource.deprecated', reason: '停止提供', details: { revisionReturnedToDraft: 2 } });
  });

  it('addresses a resource by its URL-encoded code as well as its uuid', async () => {
    const r = await publishedResource(ctx, owner.headers, admin);
    const byCode = await get(r.code, owner.headers);
    expect(byCode.statusCode).toBe(200);
    expect(byCode.json().id).toBe(r.id);
    const revised = await patch(r.code, owner.headers, { name: '按代码修改' });
    expect(revised.json()).toMatchObject({ id: r.id, version: 2 });
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/resources/${encodeURIComponent(r.code)}/versions`, headers: owner.headers })).json().items).toHaveLength(2);
    expect((await get('101001%2F99999', owner.headers)).statusCode).toBe(404);
  });

  it('writes nothing when a step is refused', async () => {
    const draft = await createDraft(ctx, owner.headers);
    const before = await eventsOf(ctx, draft.id);
    expect((await act(ctx, admin, draft.id, 'review', { decision: 'publish' })).statusCode).toBe(409);
    expect(await eventsOf(ctx, draft.id)).toEqual(before);
    expect((await get(draft.id, owner.headers)).json()).toMatchObject({ status: 'draft', versionStatus: 'draft' });
  });

  it('supersedes only the published version when publishing, never an open version below it', async () => {
    const r = await publishedResource(ctx, owner.headers, admin);
    expect((await patch(r.id, owner.headers, { summary: '部门修订中' })).json()).toMatchObject({ version: 2, versionStatus: 'draft' });
    // Version 3 published past the open draft 2, as the catalog import once did.
    const v1 = await ctx.db('resource_versions').where({ resource_id: r.id, version: 1 }).first(versionColumns(ctx.db));
    await ctx.db('resource_versions').insert({ resource_id: r.id, version: 3, status: 'draft', ...metadataToColumns(rowToMetadata(v1)) });
    await ctx.db.transaction(async (trx) => {
      const row = await trx('resources').where('id', r.id).forUpdate().first();
      await publishVersion(trx, { actor: { kind: 'cli' } }, row, 3);
    });
    const versions = await ctx.db('resource_versions').where('resource_id', r.id).orderBy('version').select('version', 'status');
    expect(versions.map((v) => [v.version, v.status])).toEqual([[1, 'superseded'], [2, 'draft'], [3, 'published']]);
    expect((await eventsOf(ctx, r.id)).at(-1)!.details).toMatchObject({ supersededVersions: [1] });
  });

  it('reads the published version by id or by code, terms and fields as stated', async () => {
    const r = await publishedResource(ctx, owner.headers, admin, {
      shareType: 2, shareConditions: '仅限婚姻登记相关事项', legalBasis: '《婚姻登记条例》',
      controlParams: [{ key: 'authorizationNo', name: '授权书编号' }],
      delivery: { mode: 'provider_api', endpoint: 'https://mz.example.gov.cn/api/marriage' },
    });
    const byCode = (await get(r.code, owner.headers)).json();
    expect(byCode).toMatchObject({
      id: r.id, code: r.code, providerCode: owner.departmentCode, status: 'published', version: 1, name: '婚姻登记信息', shareType: 2,
      shareConditions: '仅限婚姻登记相关事项', legalBasis: '《婚姻登记条例》',
      controlParams: [{ key: 'authorizationNo', name: '授权书编号' }],
      delivery: { mode: 'provider_api', endpoint: 'https://mz.example.gov.cn/api/marriage' },
      dataItems: expect.arrayContaining([expect.objectContaining({ key: 'idNumber', type: 'C', length: 18, mask: 'first:6,last:4' })]),
      subjectType: 'person', subjectKey: 'idNumber',
    });
    expect((await get(r.id, owner.headers)).json()).toEqual(byCode);
  });
});
