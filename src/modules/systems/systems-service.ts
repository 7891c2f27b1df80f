import type { Knex } from 'knex';
import { illegalState, notFound } from '../../lib/errors.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { readsEverything, type Principal } from '../identity/principal.js';
import { recordEvent } from '../audit/events.js';
import type { RequestContext } from '../context.js';
import type { ActiveKey } from '../identity/authenticate.js';

export interface SystemRow {
  id: string;
  department_code: string;
  name: string;
  description: string | null;
  created_at: Date;
}

interface KeyRow {
  id: string;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export const toSystem = (row: SystemRow) => ({
  id: row.id,
  departmentCode: row.department_code,
  name: row.name,
  description: row.description,
  createdAt: row.created_at.toISOString(),
});

export const toKey = (row: KeyRow) => ({
  id: row.id,
  keyPrefix: row.key_prefix,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

/** Reading: another department's system is as unknown as a missing one (a 403 would confirm it exists). */
export async function getSystem(ctx: RequestContext, id: string): Promise<SystemRow> {
  const { db, actor } = ctx;
  const row: SystemRow | undefined = await db('systems').where('id', id).first();
  if (!row || (!readsEverything(actor) && row.department_code !== actor.departmentCode)) throw notFound('system');
  return row;
}

/** Managing keys: the owning department's admin; another department's system is unknown here too. */
async function getOwnSystem(db: Knex, actor: Principal, id: string) {
  const row: SystemRow | undefined = await db('systems').where('id', id).first();
  if (!row || row.department_code !== actor.departmentCode) throw notFound('system');
  return row;
}

/** Recorded at most once a minute per key: a busy system's calls cost no extra round trip. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** The unrevoked key whose hash matches `apiKey`, with its system (authentication reads this). */
export async function findActiveKey(db: Knex, apiKey: string): Promise<ActiveKey | undefined> {
  return db('system_keys as k')
    .join('systems as s', 's.id', 'k.system_id')
    .where('k.key_hash', sha256Hex(apiKey))
    .whereNull('k.revoked_at')
    .first('k.id as keyId', 's.id as systemId', 's.department_code as departmentCode', 'k.last_used_at as lastUsedAt');
}

/** Records that `key` was used at `now`, unless that was recorded less than a minute before. */
export async function noteKeyUsed(db: Knex, key: ActiveKey, now: Date): Promise<void> {
  if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  await db('system_keys').where('id', key.keyId).update({ last_used_at: now });
}

async function issueKey(db: Knex, systemId: string) {
  const apiKey = `shk_${randomToken(32)}`;
  const [row] = await db('system_keys')
    .insert({ system_id: systemId, key_hash: sha256Hex(apiKey), key_prefix: apiKey.slice(0, 12) })
    .returning(['id', 'key_prefix', 'created_at']);
  return { id: row.id as string, keyPrefix: row.key_prefix as string, createdAt: (row.created_at as Date).toISOString(), apiKey };
}

export async function createSystem(ctx: RequestContext, input: { name: string; description?: string }) {
  const { db, actor, requestId } = ctx;
  return db.transaction(async (trx) => {
    const [row] = await trx('systems')
      .insert({ department_code: actor.departmentCode, name: input.name, description: input.description ?? null })
      .returning('*');
    const key = await issueKey(trx, row.id);
    await recordEvent(trx, { actor, requestId, entityType: 'system', entityId: row.id, action: 'system.created', details: { keyId: key.id } });
    return { ...toSystem(row as SystemRow), key };
  });
}

export async function listSystems(ctx: RequestContext) {
  const { db, actor } = ctx;
  const rows: SystemRow[] = await db('systems')
    .modify((q) => { if (!readsEverything(actor)) q.where('department_code', actor.departmentCode); })
    .orderBy('created_at');
  return rows;
}

/** Rotation: a new key works at once; the old one keeps working until it is revoked. */
export async function addKey(ctx: RequestContext, systemId: string) {
  const { db, actor, requestId } = ctx;
  await getOwnSystem(db, actor, systemId);
  return db.transaction(async (trx) => {
    const key = await issueKey(trx, systemId);
    await recordEvent(trx, { actor, requestId, entityType: 'system', entityId: systemId, action: 'system.key_issued', details: { keyId: key.id } });
    return key;
  });
}

export async function listKeys(ctx: RequestContext, systemId: string) {
  const { db } = ctx;
  await getSystem(ctx, systemId);
  const rows: KeyRow[] = await db('system_keys').where('system_id', systemId).orderBy('created_at');
  return rows.map(toKey);
}

/**
 * Revocation takes effect on the next request: every request looks the key up. The owning
 * department's admin revokes, and so may the platform admin (incident response: a leaked key
 * must not wait for its department).
 */
export async function revokeKey(ctx: RequestContext, systemId: string, keyId: string) {
  const { db, actor, requestId } = ctx;
  if (actor.role === 'platform_admin') await getSystem(ctx, systemId);
  else await getOwnSystem(db, actor, systemId);
  await db.transaction(async (trx) => {
    const key: KeyRow | undefined = await trx('system_keys').where({ id: keyId, system_id: systemId }).forUpdate().first();
    if (!key) throw notFound('key');
    if (key.revoked_at) throw illegalState('the key', 'revoked', 'revoke');
    await trx('system_keys').where('id', keyId).update({ revoked_at: ctx.now });
    await recordEvent(trx, { actor, requestId, entityType: 'system', entityId: systemId, action: 'system.key_revoked', details: { keyId } });
  });
}
