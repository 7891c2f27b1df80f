import type { ValidateFunction } from 'ajv';
import { createResourceBody } from '../../schemas/catalog.js';
import { strictAjv } from '../../src/lib/validation.js';
import {
  createResource,
  deprecateResource,
  reviewResource,
  submitResource,
  updateResource,
  type NewResource,
} from '../../src/modules/catalog/catalog-service.js';
import type { DataItem } from '../../src/modules/catalog/resource-validation.js';
import type { Principal } from '../../src/modules/identity/principal.js';
import { makeUser } from './fixtures.js';
import type { TestContext } from './test-app.js';

// Catalog resources for the workflow tests, made the way the departments and the platform make
// them: the provider department's admin drafts and submits through the catalog service, the
// platform admin publishes (and, for 'deprecated', the department deprecates). So every row is
// one the catalog accepts, its events are on the trail and its search row is current.

export interface ResourceOptions {
  providerCode: string;
  shareType?: 1 | 2 | 3;
  /** Names of the control parameters (管控参数); any makes applications Route B. */
  controlParams?: string[];
  delivery?: { mode: 'hosted' } | { mode: 'provider_api'; endpoint: string };
  /** Where the life cycle stops: draft, submitted for review, published (default), or published then deprecated. */
  status?: 'draft' | 'pending_review' | 'published' | 'deprecated';
  name?: string;
  legalBasis?: string;
  /** Other data items than DATA_ITEMS (e.g. items naming an authoritative source). */
  dataItems?: DataItem[];
}

export const DATA_ITEMS: DataItem[] = [
  { key: 'id_number', name: '公民身份号码', type: 'C', length: 18, sensitivity: 'highly_sensitive', mask: 'first:6' },
  { key: 'name', name: '姓名', type: 'C', length: 50, sensitivity: 'sensitive', mask: 'first:1' },
  { key: 'birth_date', name: '出生日期', type: 'D', length: 8, sensitivity: 'sensitive', mask: 'none' },
  { key: 'address', name: '户籍地址', type: 'C', length: 200, sensitivity: 'highly_sensitive', mask: 'full' },
];

let sequence = 0;
/** A fresh code under 101001 (基础 人口); each test file has its own database. */
const nextCode = () => `101001/${String(++sequence).padStart(8, '0')}`;

/** The body POST /v1/resources would take; checked against its schema so the fixture cannot drift from what the API accepts. */
let validateBody: ValidateFunction | undefined;
function checkedBody(body: NewResource): NewResource {
  validateBody ??= strictAjv.compile(createResourceBody);
  if (!validateBody(body)) throw new Error(`resource fixture is not a valid create body: ${strictAjv.errorsText(validateBody.errors)}`);
  return body;
}

/** A dept_admin of the department (the first one, or a new one), as the catalog service sees its actor. */
async function departmentAdmin(ctx: TestContext, departmentCode: string): Promise<Principal> {
  const row: { id: string; username: string } | undefined = await ctx.db('users')
    .where({ department_code: departmentCode, role: 'dept_admin', status: 'active' })
    .orderBy('created_at')
    .first('id', 'username');
  const user = row ?? await makeUser(ctx, 'dept_admin', departmentCode);
  return { kind: 'user', role: 'dept_admin', userId: user.id, username: user.username, departmentCode };
}

async function platformAdmin(ctx: TestContext): Promise<Principal> {
  const row: { id: string; username: string; department_code: string } = await ctx.db('users')
    .where({ role: 'platform_admin', status: 'active' })
    .orderBy('created_at')
    .first('id', 'username', 'department_code');
  return { kind: 'user', role: 'platform_admin', userId: row.id, username: row.username, departmentCode: row.department_code };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const isLoopback = (endpoint: string) => LOOPBACK_HOSTS.has(new URL(endpoint).hostname);
/** Stands in for a loopback test server's URL while the resource goes through the catalog. */
const PLACEHOLDER_ENDPOINT = 'https://provider.example.gov.cn/records';

export async function makeResource(ctx: TestContext, opts: ResourceOptions) {
  const status = opts.status ?? 'published';
  const shareType = opts.shareType ?? 1;
  const delivery = opts.delivery ?? { mode: 'hosted' };
  const loopbackEndpoint = delivery.mode === 'provider_api' && isLoopback(delivery.endpoint) ? delivery.endpoint : undefined;

  const owner = await departmentAdmin(ctx, opts.providerCode);
  const body = checkedBody({
    code: nextCode(),
    name: opts.name ?? '人口基础信息',
    summary: '测试资源：户籍人口的身份与住址基础信息',
    format: 'database',
    formatSubtype: 'PostgreSQL',
    dataItems: opts.dataItems ?? DATA_ITEMS,
    shareType,
    ...(shareType === 2 ? { shareConditions: '仅限政务服务办理' } : {}),
    ...(shareType === 1 ? {} : { legalBasis: opts.legalBasis ?? '《中华人民共和国居民身份证法》' }),
    shareMethod: 'interface',
    openToPublic: false,
    updateCycle: 'realtime',
    relatedCodes: [],
    subjectType: 'person',
    subjectKey: 'id_number',
    controlParams: (opts.controlParams ?? []).map((name, i) => ({ key: `param${i + 1}`, name })),
    delivery: loopbackEndpoint ? { mode: 'provider_api', endpoint: PLACEHOLDER_ENDPOINT } : delivery,
    contact: { name: '测试联系人', phone: '0571-87000000' },
  });
  const resource = await createResource({ db: ctx.db, actor: owner, now: new Date() }, body);
  const result = { id: resource.id, code: resource.code };

  if (loopbackEndpoint) {
    // The catalog refuses provider endpoints on loopback by design (SSRF; resource-validation.ts),
    // but the test's provider is an HTTP server on 127.0.0.1. The one version there is gets the
    // test server's URL directly; the hub's connection-time guard (src/lib/outbound-target.ts)
    // is relaxed in tests by OUTBOUND_ALLOW_LOOPBACK. The search row holds no endpoint.
    await ctx.db('resource_versions').where({ resource_id: resource.id, version: 1 })
      .update({ delivery: JSON.stringify({ mode: 'provider_api', endpoint: loopbackEndpoint }) });
  }

  if (status === 'draft') return result;
  await submitResource({ db: ctx.db, actor: owner, now: new Date() }, resource.id);
  if (status === 'pending_review') return result;
  await reviewResource({ db: ctx.db, actor: await platformAdmin(ctx), now: new Date() }, resource.id, { decision: 'publish' });
  if (status === 'deprecated') await deprecateResource({ db: ctx.db, actor: owner, now: new Date() }, resource.id, { reason: '测试：停止提供' });
  return result;
}

/**
 * Publishes a new version of a published resource with only some of the data items: the owner
 * edits it (drafting version n+1), submits it, and the platform publishes it. Returns n+1.
 */
export async function publishNewVersion(ctx: TestContext, resourceId: string, itemKeys: string[]) {
  return republish(ctx, resourceId, { itemKeys });
}

export interface Revision {
  /** Keep only these data items (of DATA_ITEMS). */
  itemKeys?: string[];
  /** A new share type; the share conditions and legal basis it needs come with it. */
  shareType?: 1 | 2 | 3;
  /** Names of the control parameters (管控参数) of the new version. */
  controlParams?: string[];
}

/**
 * Publishes version n+1 of a published resource with the changes asked for, the way a provider
 * revises its entry: the owner edits it, submits it, and the platform publishes it. Returns n+1.
 */
export async function republish(ctx: TestContext, resourceId: string, revision: Revision) {
  const { provider_code: providerCode }: { provider_code: string } = await ctx.db('resources').where('id', resourceId).first('provider_code');
  const owner = await departmentAdmin(ctx, providerCode);
  const { shareType, itemKeys, controlParams } = revision;
  const draft = await updateResource({ db: ctx.db, actor: owner, now: new Date() }, resourceId, {
    ...(itemKeys ? { dataItems: DATA_ITEMS.filter((i) => itemKeys.includes(i.key)) } : {}),
    ...(shareType ? {
      shareType,
      shareConditions: shareType === 2 ? '仅限政务服务办理' : null,
      legalBasis: shareType === 1 ? null : '《中华人民共和国居民身份证法》',
    } : {}),
    ...(controlParams ? { controlParams: controlParams.map((name, i) => ({ key: `param${i + 1}`, name })) } : {}),
  });
  await submitResource({ db: ctx.db, actor: owner, now: new Date() }, resourceId);
  await reviewResource({ db: ctx.db, actor: await platformAdmin(ctx), now: new Date() }, resourceId, { decision: 'publish' });
  return draft.version;
}
