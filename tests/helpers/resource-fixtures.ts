import { randomInt } from 'node:crypto';
import type { TestContext } from './test-app.js';

// Published catalog resources, inserted straight into the catalog tables per the catalog
// contract (resources + resource_versions). Once the catalog API is merged this goes through
// the catalog service instead.

export interface ResourceOptions {
  providerCode: string;
  shareType?: 1 | 2 | 3;
  controlParams?: string[];
  delivery?: { mode: 'hosted' } | { mode: 'provider_api'; endpoint: string };
  status?: 'draft' | 'pending_review' | 'published' | 'deprecated';
  name?: string;
  legalBasis?: string;
}

export const DATA_ITEMS = [
  { key: 'id_number', name: '公民身份号码', type: 'C', length: 18, sensitivity: 'L3', mask: 'keep-first-6' },
  { key: 'name', name: '姓名', type: 'C', length: 50, sensitivity: 'L2', mask: 'keep-first-1' },
  { key: 'birth_date', name: '出生日期', type: 'D', length: 8, sensitivity: 'L2', mask: 'none' },
  { key: 'address', name: '户籍地址', type: 'C', length: 200, sensitivity: 'L3', mask: 'full' },
];

export async function makeResource(ctx: TestContext, opts: ResourceOptions) {
  const status = opts.status ?? 'published';
  const published = status === 'published' || status === 'deprecated';
  const code = `101001/${String(randomInt(1, 99_999_999)).padStart(8, '0')}`;
  const [resource] = await ctx.db('resources')
    .insert({ code, provider_code: opts.providerCode, status, published_version: published ? 1 : null, latest_version: 1 })
    .returning(['id', 'code']);
  const shareType = opts.shareType ?? 1;
  await ctx.db('resource_versions').insert({
    resource_id: resource.id,
    version: 1,
    status: published ? 'published' : status,
    name: opts.name ?? '人口基础信息',
    category_code: '101001',
    summary: '测试资源',
    format: '数据库',
    data_items: JSON.stringify(DATA_ITEMS),
    share_type: shareType,
    share_conditions: shareType === 2 ? '仅限政务服务办理' : null,
    legal_basis: shareType === 1 ? null : (opts.legalBasis ?? '《中华人民共和国居民身份证法》'),
    share_method: '接口',
    update_cycle: '实时',
    subject_type: 'person',
    subject_key: 'id_number',
    control_params: JSON.stringify(opts.controlParams ?? []),
    delivery: JSON.stringify(opts.delivery ?? { mode: 'hosted' }),
    published_at: published ? new Date() : null,
  });
  return { id: resource.id as string, code: resource.code as string };
}

/** Publishes a second version of a resource with only some of the data items. */
export async function publishNewVersion(ctx: TestContext, resourceId: string, itemKeys: string[]) {
  const current = await ctx.db('resource_versions').where({ resource_id: resourceId }).orderBy('version', 'desc').first();
  const version = current.version + 1;
  await ctx.db('resource_versions').insert({
    ...current,
    version,
    data_items: JSON.stringify(DATA_ITEMS.filter((i) => itemKeys.includes(i.key))),
    control_params: JSON.stringify(current.control_params),
    delivery: JSON.stringify(current.delivery),
    related_codes: JSON.stringify(current.related_codes),
  });
  await ctx.db('resource_versions').where({ resource_id: resourceId, version: current.version }).update({ status: 'superseded' });
  await ctx.db('resources').where('id', resourceId).update({ published_version: version, latest_version: version });
  return version;
}
