import type { Knex } from 'knex';
import { AppError, invalidField, notFound, otherDepartment } from '../../lib/errors.js';
import { checkUscc } from '../../lib/identifiers.js';
import { paginate, type Page } from '../../lib/paginate.js';
import { randomToken, seal, unseal, type HubKeys } from '../../lib/crypto.js';
import type { Context, RequestContext } from '../context.js';
import type { Principal } from '../identity/principal.js';
import { recordEvent } from '../audit/events.js';

export interface DepartmentRow {
  code: string;
  name: string;
  level: 'province' | 'city' | 'district';
  parent_code: string | null;
  is_platform: boolean;
  webhook_url: string | null;
  webhook_secret_sealed: string | null;
  created_at: Date;
}

export interface NewDepartment {
  code: string;
  name: string;
  level: DepartmentRow['level'];
  parentCode?: string;
  webhookUrl?: string;
  webhookSecret?: string;
  isPlatform?: boolean;
}

/** Whether `principal` may see the department's webhook settings: the platform and the department. */
const canSeeWebhook = (principal: Principal | undefined, code: string) =>
  !principal || principal.role === 'platform_admin' || principal.departmentCode === code;

export function toDepartment(row: DepartmentRow, viewer?: Principal) {
  return {
    code: row.code,
    name: row.name,
    level: row.level,
    parentCode: row.parent_code,
    isPlatform: row.is_platform,
    hasWebhook: row.webhook_url !== null,
    ...(row.webhook_url && canSeeWebhook(viewer, row.code) ? { webhookUrl: row.webhook_url } : {}),
    createdAt: row.created_at.toISOString(),
  };
}

/** Refuses a code that fails GB 32100; returns the warnings of a valid one (unknown authority/type pair). */
export function assertUscc(code: string, pointer: string): string[] {
  const check = checkUscc(code);
  if (!check.valid) {
    throw new AppError('INVALID_IDENTIFIER', `${pointer} is not a valid 统一社会信用代码: ${check.reason}`, {
      errors: [{ pointer, message: check.reason }],
    });
  }
  return check.warnings.map((w) => `${pointer}: ${w}`);
}

export async function createDepartment(ctx: Context, keys: HubKeys, input: NewDepartment) {
  const { db, actor, requestId } = ctx;
  const warnings = assertUscc(input.code, '/body/code');
  if (input.parentCode) {
    const parent = await db('departments').where('code', input.parentCode).first('code');
    if (!parent) throw invalidField('/body/parentCode', 'names no registered department');
  }
  const webhookSecret = input.webhookSecret ?? randomToken(32);
  return db.transaction(async (trx) => {
    const [row] = await trx('departments')
      .insert({
        code: input.code,
        name: input.name,
        level: input.level,
        parent_code: input.parentCode ?? null,
        is_platform: input.isPlatform ?? false,
        webhook_url: input.webhookUrl ?? null,
        webhook_secret_sealed: seal(keys, webhookSecret),
      })
      .returning('*');
    await recordEvent(trx, { actor, requestId, entityType: 'department', entityId: input.code, action: 'department.created' });
    return { row: row as DepartmentRow, webhookSecret, warnings };
  });
}

export async function getDepartment(db: Knex, code: string): Promise<DepartmentRow> {
  const row = await db('departments').where('code', code).first();
  if (!row) throw notFound(`department ${code}`);
  return row;
}

export async function listDepartments(ctx: Context, page: Page) {
  return paginate<DepartmentRow>(ctx.db('departments').orderBy('code'), page);
}

export async function updateDepartment(
  ctx: RequestContext,
  keys: HubKeys,
  code: string,
  patch: { name?: string; webhookUrl?: string | null; rotateWebhookSecret?: boolean },
) {
  const { db, actor: principal, requestId } = ctx;
  if (principal.role !== 'platform_admin' && principal.departmentCode !== code) throw otherDepartment('the department');
  if (patch.name !== undefined && principal.role !== 'platform_admin') {
    throw invalidField('/body/name', 'only the platform administrator renames a department');
  }
  return db.transaction(async (trx) => {
    await getDepartment(trx, code);
    const webhookSecret = patch.rotateWebhookSecret ? randomToken(32) : undefined;
    const [row] = await trx('departments')
      .where('code', code)
      .update({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.webhookUrl !== undefined ? { webhook_url: patch.webhookUrl } : {}),
        ...(webhookSecret ? { webhook_secret_sealed: seal(keys, webhookSecret) } : {}),
        updated_at: ctx.now,
      })
      .returning('*');
    await recordEvent(trx, {
      actor: principal, requestId, entityType: 'department', entityId: code, action: 'department.updated',
      details: { fields: Object.keys(patch) },
    });
    return { row: row as DepartmentRow, webhookSecret };
  });
}

/** The department's webhook endpoint and its secret in clear, for signing deliveries. */
export async function webhookTarget(db: Knex, keys: HubKeys, code: string) {
  const row = await getDepartment(db, code);
  if (!row.webhook_url || !row.webhook_secret_sealed) return undefined;
  return { url: row.webhook_url, secret: unseal(keys, row.webhook_secret_sealed) };
}

/**
 * The department's shared secret in clear (issued at creation, rotated with the webhook secret):
 * the key of its webhooks' signatures and of the queries the hub forwards to its endpoints.
 */
export async function departmentSecret(db: Knex, keys: HubKeys, code: string): Promise<string | undefined> {
  const row: Pick<DepartmentRow, 'webhook_secret_sealed'> | undefined = await db('departments').where('code', code).first('webhook_secret_sealed');
  return row?.webhook_secret_sealed ? unseal(keys, row.webhook_secret_sealed) : undefined;
}

/** The platform department (共享主管部门) is created from configuration on first start. */
export async function ensurePlatformDepartment(ctx: Context, keys: HubKeys, code: string, name: string) {
  const existing = await ctx.db('departments').where('is_platform', true).first();
  if (existing) return existing as DepartmentRow;
  const { row } = await createDepartment(ctx, keys, { code, name, level: 'province', isPlatform: true });
  return row;
}

/** The platform department's code (共享主管部门), which receives the platform's notifications. */
export async function platformDepartmentCode(db: Knex | Knex.Transaction): Promise<string> {
  const row = await db('departments').where('is_platform', true).first('code');
  if (!row) throw new Error('the platform department is missing; run the bootstrap');
  return row.code as string;
}
