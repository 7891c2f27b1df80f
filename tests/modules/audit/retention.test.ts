import { createHmac, randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { verifyConsistency } from '../../../src/lib/merkle.js';
import { subjectAccessLog } from '../../../src/modules/audit/access-log.js';
import { ensureEventPartitions, eventPartitions, retentionCutoff, runRetention } from '../../../src/modules/audit/retention.js';
import { sealRound } from '../../../src/modules/audit/sealer.js';
import { auditSigningKey, logOrigin, trustedAuditKeys } from '../../../src/modules/audit/tree-head.js';
import { getConsistencyProof, getInclusionProof } from '../../../src/modules/audit/tree-service.js';
import { verifyLog } from '../../../src/modules/audit/verify.js';
import { grantAppRole } from '../../../src/runtime/db-roles.js';
import { manualClock } from '../../helpers/clock.js';
import { auditRetention } from '../../../workers/audit-retention.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { refRootFromPath } from './reference.js';

// Retention (issue 11 §7): events are partitioned by month; a month past the retention that signed
// heads fully cover is dropped by the owner, its leaves stay, and the log still verifies and proves.

const clock = manualClock('2026-12-15T10:00:00');
const SUBJECT = '330102199001011234';

describe('audit retention', () => {
  const ctx = useTestApp({}, { clock });
  const role = `sharehub_test_ret_${randomBytes(4).toString('hex')}`;
  const opts = () => ({ origin: logOrigin(ctx.config), signer: auditSigningKey(ctx.config) });
  const verify = (db = ctx.db) => verifyLog(db, { origin: logOrigin(ctx.config), trustedKeys: trustedAuditKeys(ctx.config) });
  const seal = () => sealRound(ctx.db, { ...opts(), now: clock(), maxEvents: 100_000 });
  const subjectHash = () => createHmac('sm3', deriveKeys(ctx.config.SHAREHUB_SECRET_KEY).subject).update(SUBJECT).digest();

  afterAll(async () => {
    await ctx.db.raw('drop owned by ??', [role]).catch(() => undefined);
    await ctx.db.raw('drop role if exists ??', [role]);
  });

  /** An event at a given time, written as the exchange writes one (optionally a read of SUBJECT's records). */
  async function eventAt(at: string, action = 'test.retention', subject = false): Promise<number> {
    const { rows: [row] } = await ctx.db.raw(`insert into events (occurred_at, actor_kind, entity_type, entity_id, action, subject_hash, subject_masked, fields)
      values (?, 'cli', 'calendar', '2026', ?, ?, ?, ?) returning id`,
    [at, action, subject ? subjectHash() : null, subject ? '3301**********1234' : null, subject ? JSON.stringify(['name']) : null]);
    return Number(row.id);
  }

  const partitionRows = async (name: string) => Number((await ctx.db(name).count({ n: '*' }).first())!.n);

  it('refuses a retention below six months, in the configuration and in the code', () => {
    expect(() => loadConfig({ AUDIT_RETENTION_MONTHS: '5' })).toThrow(ConfigError);
    expect(() => loadConfig({ AUDIT_RETENTION_MONTHS: '5' })).toThrow(/AUDIT_RETENTION_MONTHS/);
    expect(loadConfig({ AUDIT_RETENTION_MONTHS: '6' }).AUDIT_RETENTION_MONTHS).toBe(6);
    expect(() => retentionCutoff(clock(), 5)).toThrow(/at least 6 months/);
    expect(retentionCutoff(clock(), 6).toISOString()).toBe('2026-06-01T00:00:00.000Z');
  });

  const ids: Record<string, number[]> = {};
  it('drops only the months past the retention that signed heads cover; the tree still verifies and proves', async () => {
    const made = await ensureEventPartitions(ctx.db, new Date('2026-01-01T00:00:00Z'), new Date('2026-10-01T00:00:00Z'));
    expect(made.created).toContain('events_2026_03');
    for (const month of ['01', '03', '04', '07']) {
      ids[month] = [await eventAt(`2026-${month}-10T08:00:00.123456Z`), await eventAt(`2026-${month}-20T08:00:00Z`)];
    }
    ids.subject = [await eventAt('2026-03-12T09:00:00Z', 'record.read', true), await eventAt('2026-07-12T09:00:00Z', 'record.read', true)];
    expect(await partitionRows('events_2026_03')).toBe(3);
    expect((await seal()).status).toBe('sealed');
    const firstHead = Number((await ctx.db('tree_heads').max({ n: 'size' }).first())!.n);
    // February: written after the last head, so not covered.
    ids['02'] = [await eventAt('2026-02-10T08:00:00Z')];

    const report = await runRetention(ctx.db, { ...opts(), retentionMonths: 6, now: clock() });
    expect(report.cutoff).toBe('2026-06-01T00:00:00.000Z');
    const byName = Object.fromEntries(report.partitions.map((p) => [p.partition, p]));
    expect(byName.events_2026_01).toMatchObject({ status: 'dropped', events: 2 });
    expect(byName.events_2026_03).toMatchObject({ status: 'dropped', events: 3 });
    expect(byName.events_2026_04).toMatchObject({ status: 'dropped', events: 2 });
    expect(byName.events_2026_05).toMatchObject({ status: 'dropped', events: 0, seqRanges: '{}' }); // an empty month is covered too
    expect(byName.events_2026_02).toMatchObject({ status: 'not_covered', unsealed: 1 });
    expect(byName.events_2026_07).toBeUndefined(); // inside the retention
    const partitions = await eventPartitions(ctx.db);
    expect(partitions).not.toContain('events_2026_03');
    expect(partitions).toEqual(expect.arrayContaining(['events_2026_02', 'events_2026_07', 'events_default']));
    // Partitions are made ahead of the clock.
    expect(partitions).toEqual(expect.arrayContaining(['events_2027_03']));

    // The retention itself is on the trail, and sealed like everything else.
    expect((await seal()).status).toBe('sealed');
    const dropped = await ctx.db('events').where({ action: 'audit.retention_dropped' }).orderBy('id').select('entity_id', 'details');
    expect(dropped.map((e) => e.entity_id)).toEqual(['events_2026_01', 'events_2026_03', 'events_2026_04', 'events_2026_05']);

    const result = await verify();
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.keptHashesOnly).toBe(7);
    expect(result.retention.map((r) => r.partition)).toEqual(['events_2026_01', 'events_2026_03', 'events_2026_04', 'events_2026_05']);
    expect(result.retention[1]!.detail).toMatch(/events_2026_03 .*dropped by retention: 3 events at positions \{\[.*checked against the kept leaf hashes only/);

    // Proofs across the dropped range: the dropped event's inclusion, and consistency from before the drop.
    const proof = await getInclusionProof(ctx.db, ids['03']![0]!);
    expect(refRootFromPath(proof.leafIndex, proof.treeSize, Buffer.from(proof.leafHash, 'hex'), proof.auditPath.map((h) => Buffer.from(h, 'hex')))?.toString('hex'))
      .toBe(proof.rootHash);
    const latest = Number((await ctx.db('tree_heads').max({ n: 'size' }).first())!.n);
    const consistency = await getConsistencyProof(ctx.db, firstHead, latest);
    expect(verifyConsistency(firstHead, latest, Buffer.from(consistency.fromRootHash, 'hex'), Buffer.from(consistency.toRootHash, 'hex'),
      consistency.proof.map((h) => Buffer.from(h, 'hex')))).toBe(true);

    // The subject's access log still counts the dropped access, as a leaf and proof without content.
    const log = await subjectAccessLog(ctx.db, { ...opts(), keys: [deriveKeys(ctx.config.SHAREHUB_SECRET_KEY)], now: clock() }, SUBJECT, { limit: 50 });
    expect(log.count).toBe(2);
    expect(log.entries.map((e) => [e.subjectSeq, e.dropped, e.event === null])).toEqual([[1, true, true], [2, false, false]]);

    // Once February is sealed, the next run drops it too.
    expect((await seal()).status).toBe('sealed');
    const again = await runRetention(ctx.db, { ...opts(), retentionMonths: 6, now: clock() });
    expect(again.partitions).toEqual([expect.objectContaining({ partition: 'events_2026_02', status: 'dropped', events: 1 })]);
    expect((await seal()).status).toBe('sealed');
    expect(await verify()).toMatchObject({ ok: true, keptHashesOnly: 8 });
  });

  describe('tampering after a drop is still found', () => {
    /** Runs the statements as the superuser with triggers off (as an attacker would), verifies, rolls back. */
    async function check(...statements: [string, unknown[]][]) {
      let report: Awaited<ReturnType<typeof verify>> | undefined;
      const trx = await ctx.db.transaction();
      try {
        await trx.raw('set local session_replication_role = replica');
        for (const [sql, bindings] of statements) await trx.raw(sql, bindings as never);
        report = await verify(trx as never);
      } finally {
        await trx.rollback();
      }
      return report!;
    }

    it('a kept event changed', async () => {
      const r = await check(['update events set reason = ? where id = ?', ['changed', ids['07']![0]]]);
      expect(r.ok).toBe(false);
      expect(r.firstDifference).toMatchObject({ kind: 'changed', eventId: ids['07']![0] });
    });

    it('a kept leaf hash of a dropped event changed', async () => {
      const leaf = await ctx.db('event_leaves').where({ event_id: ids['03']![1] }).first('seq');
      const r = await check(['update event_leaves set leaf_hash = ? where event_id = ?', [randomBytes(32), ids['03']![1]]]);
      expect(r.ok).toBe(false);
      expect(r.problems.join('\n')).toMatch(/the root recomputed from the events differs from the signed root/);
      expect(Number(leaf.seq)).toBeGreaterThanOrEqual(0);
    });

    it('a kept event deleted and passed off as dropped by a forged retention record', async () => {
      const victim = ids['07']![1]!;
      const { seq } = await ctx.db('event_leaves').where({ event_id: victim }).first('seq');
      const headSize = Number((await ctx.db('tree_heads').max({ n: 'size' }).first())!.n);
      const r = await check(
        ['delete from events where id = ?', [victim]],
        [`insert into audit_retention_drops (partition, range_from, range_to, events, seq_ranges, head_size, dropped_at, public_key, signature)
          values ('events_2026_07', '2026-07-01Z', '2026-08-01Z', 1, int8multirange(int8range(?, ?, '[]')), ?, now(), ?, ?)`,
        [seq, seq, headSize, auditSigningKey(ctx.config).publicKey, randomBytes(64)]],
      );
      expect(r.ok).toBe(false);
      expect(r.problems.join('\n')).toMatch(/retention record of events_2026_07: not signed/);
      expect(r.problems.join('\n')).toMatch(new RegExp(`event ${victim} is missing`));
    });
  });

  it('the app role cannot drop, detach or truncate a partition, nor run the retention; only the owner can', async () => {
    await ctx.db.raw('create role ?? nologin', [role]);
    await grantAppRole(ctx.db, role);
    const asApp = async (sql: string) => {
      const trx = await ctx.db.transaction();
      try {
        await trx.raw('set local role ??', [role]);
        await trx.raw(sql);
        return 'ok';
      } catch (err) {
        return (err as { code: string }).code;
      } finally {
        await trx.rollback();
      }
    };
    expect(await asApp('drop table events_2026_07')).toBe('42501');
    expect(await asApp('alter table events detach partition events_2026_07')).toBe('42501');
    expect(await asApp('truncate events_2026_07')).toBe('42501');
    expect(await asApp('create table events_2031_01 partition of events for values from (\'2031-01-01Z\') to (\'2031-02-01Z\')')).toBe('42501');
    expect(await asApp('delete from audit_retention_drops')).toBe('42501');
    expect(await asApp("insert into events (actor_kind, entity_type, entity_id, action) values ('cli', 'calendar', '1', 'test.app')")).toBe('ok');

    const trx = await ctx.db.transaction();
    try {
      await trx.raw('set local role ??', [role]);
      await expect(runRetention(trx as never, { ...opts(), retentionMonths: 6, now: new Date('2027-03-15T00:00:00Z') })).rejects.toThrow(/permission denied|must be owner/);
    } finally {
      await trx.rollback();
    }
    expect(await eventPartitions(ctx.db)).toContain('events_2026_07');
  });

  it('the audit-retention job runs it as the owner with the configured retention', async () => {
    await seal();
    const deps = {
      db: ctx.db, config: { ...ctx.config, AUDIT_RETENTION_MONTHS: 6 }, keys: deriveKeys(ctx.config.SHAREHUB_SECRET_KEY),
      clock: () => new Date('2027-03-15T00:00:00Z'), log: pino({ level: 'silent' }),
      enqueue: async () => { throw new Error('the retention enqueues nothing'); }, invalidate: async () => { throw new Error('the retention changes no grant'); },
    };
    expect(await auditRetention({}, deps)).toMatchObject({ dropped: 3, waiting: 0 }); // June (empty), July, August (empty)
    expect(await eventPartitions(ctx.db)).not.toContain('events_2026_07');
    expect(await eventPartitions(ctx.db)).toContain('events_2027_06');
    await seal();
    expect(await verify()).toMatchObject({ ok: true, keptHashesOnly: 8 + 3 }); // July's three events
    // Unset, nothing is dropped.
    expect(await auditRetention({}, { ...deps, config: ctx.config, clock: () => new Date('2028-01-15T00:00:00Z') })).toMatchObject({ dropped: 0 });
  });
});
