import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../../src/modules/audit/events.js';
import { sealRound } from '../../../src/modules/audit/sealer.js';
import { APPEND_ONLY_TABLES, canRewriteTrail, grantAppRole } from '../../../src/runtime/db-roles.js';
import { generateSm2KeyPair } from '../../../src/lib/sm2.js';
import { useTestApp } from '../../helpers/use-test-app.js';

// The application's role cannot UPDATE, DELETE or TRUNCATE the trail: by grants (the error is
// "permission denied", raised before any trigger runs), not only by the append-only triggers.
describe('database roles', () => {
  const ctx = useTestApp();
  const role = `sharehub_test_app_${randomBytes(4).toString('hex')}`;

  afterAll(async () => {
    await ctx.db.raw('drop owned by ??', [role]).catch(() => undefined);
    await ctx.db.raw('drop role if exists ??', [role]);
  });

  /** Runs `sql` as the app role, in a transaction rolled back afterwards; returns the SQLSTATE or 'ok'. */
  async function asApp(sql: string, bindings: unknown[] = []): Promise<{ code: string; message?: string }> {
    const trx = await ctx.db.transaction();
    try {
      await trx.raw('set local role ??', [role]);
      await trx.raw(sql, bindings as never);
      return { code: 'ok' };
    } catch (err) {
      return { code: (err as { code: string }).code, message: (err as Error).message };
    } finally {
      await trx.rollback();
    }
  }

  it('the app role may read and append to the trail but not change, delete or truncate it, nor alter or drop it', async () => {
    await ctx.db.raw('create role ?? nologin', [role]);
    await grantAppRole(ctx.db, role);
    const id = await recordEvent(ctx.db, { actor: { kind: 'cli' }, entityType: 'calendar', entityId: '2026', action: 'test.roles' });
    await sealRound(ctx.db, { signer: generateSm2KeyPair(), origin: 't', now: new Date(), maxEvents: 1000 });

    expect(await asApp(`insert into events (actor_kind, entity_type, entity_id, action) values ('cli', 'calendar', '1', 'test.insert')`)).toEqual({ code: 'ok' });
    expect(await asApp('select count(*) from events join event_leaves on event_id = events.id')).toEqual({ code: 'ok' });
    const column: Record<(typeof APPEND_ONLY_TABLES)[number], string> = {
      events: 'action', event_leaves: 'leaf_hash', audit_nodes: 'hash', tree_heads: 'root', tree_head_cosignatures: 'signature', audit_retention_drops: 'events',
    };
    for (const table of APPEND_ONLY_TABLES) {
      for (const sql of [`update ${table} set ${column[table]} = ${column[table]}`, `delete from ${table}`, `truncate ${table} cascade`]) {
        const result = await asApp(sql);
        expect.soft(result.code, sql).toBe('42501');
        expect.soft(result.message, sql).toMatch(/permission denied/);
      }
      expect.soft((await asApp(`alter table ${table} disable trigger all`)).code).toBe('42501');
      expect.soft((await asApp(`drop table ${table} cascade`)).code).toBe('42501');
    }
    expect((await asApp('delete from events where id = ?', [id])).message).toMatch(/permission denied for table events/);
    // Everything else stays writable for the app.
    expect(await asApp(`update hub_settings set value = value`)).toEqual({ code: 'ok' });

    // The trigger still refuses a role that owns the table (here the superuser of the test run).
    await expect(ctx.db('events').where({ id }).update({ action: 'x' })).rejects.toThrow(/append-only/);
    expect(await canRewriteTrail(ctx.db)).toBe(true);
    const trx = await ctx.db.transaction();
    try {
      await trx.raw('set local role ??', [role]);
      expect(await canRewriteTrail(trx as never)).toBe(false);
    } finally {
      await trx.rollback();
    }
  });
});
