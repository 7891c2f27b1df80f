// A consumer system holding a grant on a hosted resource, records loaded the way the provider's
// loads store them (the repository), and the headers of a data call.
import { deriveKeys } from '../../../src/lib/crypto.js';
import { recordKeyring } from '../../../src/modules/exchange/record-keys.js';
import { upsertRecord } from '../../../src/modules/exchange/records-repository.js';
import type { ExchangeRecord } from '../../../src/modules/exchange/record-validation.js';
import { makeSystem } from '../../helpers/fixtures.js';
import { DATA_ITEMS } from '../../helpers/resource-fixtures.js';
import type { TestContext } from '../../helpers/test-app.js';
import { actions, applicationBody, call, ok, type World } from '../../helpers/workflow.js';

export const SERVICE_ITEM = '330100-000-XK-00123';

export const dataHeaders = (system: { headers: Record<string, string> }, overrides: Record<string, string | undefined> = {}) => {
  const h: Record<string, string | undefined> = { ...system.headers, 'x-case-id': 'CASE-2026-0001', 'x-operator-id': 'op-007', 'x-service-item': SERVICE_ITEM, ...overrides };
  return Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>;
};

/** A new consumer system and its grant (Route A: accepted by the platform, issued at once). */
export async function grantedSystem(w: World, resourceId: string, now: Date, overrides: Record<string, unknown> = {}) {
  const system = await makeSystem(w.ctx, w.consumer.code);
  const body = applicationBody(resourceId, system.id, now, { fields: ['id_number', 'name', 'birth_date'], ...overrides });
  const application = await ok(await call(w, 'POST', '/v1/applications', w.consumer.operator, body), 201);
  const decided = await ok(await actions.accept(w, application.id));
  return { system, grantId: decided.grantId as string, applicationId: application.id as string };
}

export async function loadRecords(ctx: TestContext, resourceId: string, records: ExchangeRecord[], now: Date) {
  const keyring = recordKeyring(deriveKeys(ctx.config.SHAREHUB_SECRET_KEY));
  const loader = await makeSystem(ctx, (await ctx.db('resources').where('id', resourceId).first('provider_code')).provider_code);
  const target = { resourceId, resourceVersion: 1, shape: { dataItems: DATA_ITEMS, subjectType: 'person' as const, subjectKey: 'id_number' } };
  for (const r of records) await upsertRecord(ctx.db, keyring, target, { systemId: loader.id, now }, r.id_number as string, r);
  return keyring;
}

export const PERSON_A = { id_number: '11010519491231002X', name: '张三丰', birth_date: '1949-12-31', address: '北京市朝阳区测试路1号' };
export const PERSON_B = { id_number: '440524188001010014', name: '李四', birth_date: '1880-01-01', address: '广东省汕头市测试路2号' };
/** Valid checksum, never loaded. */
export const UNKNOWN_PERSON = '110101199003074514';
