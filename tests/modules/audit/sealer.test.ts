import { describe, expect, it } from 'vitest';
import { recordEvent } from '../../../src/modules/audit/events.js';
import { leafData, leafDataByCanonicalize } from '../../../src/modules/audit/leaf.js';
import { sealRound } from '../../../src/modules/audit/sealer.js';
import { checkpoint, logOrigin } from '../../../src/modules/audit/tree-head.js';
import { generateSm2KeyPair } from '../../../src/lib/sm2.js';
import { createDb } from '../../../src/db.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { refCanonical, refLeafHash, refRoot, smCryptoVerify } from './reference.js';

const signer = generateSm2KeyPair();
const ORIGIN = 'sharehub/test/audit';
let minute = 0;
const seal = (db: Parameters<typeof sealRound>[0], maxEvents = 50_000) =>
  sealRound(db, { signer, origin: ORIGIN, now: new Date(Date.UTC(2026, 10, 30, 9, minute++)), maxEvents });

const note = (db: Parameters<typeof recordEvent>[0], action: string) =>
  recordEvent(db, { actor: { kind: 'cli' }, entityType: 'calendar', entityId: '2026', action, details: { n: action } });

async function leaves(db: Parameters<typeof sealRound>[0]) {
  return (await db('event_leaves').orderBy('seq').select('seq', 'event_id', 'leaf_hash')) as { seq: number; event_id: number; leaf_hash: Buffer }[];
}

describe('the sealer', () => {
  const ctx = useTestApp();

  it('gives committed events a gap-free sequence, and signs a head over the SM3 root that sm-crypto verifies', async () => {
    for (let i = 0; i < 5; i++) await note(ctx.db, `test.a${i}`);
    const first = await seal(ctx.db);
    expect(first.status).toBe('sealed');
    const rows = await leaves(ctx.db);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i));
    const total = Number((await ctx.db('events').count({ n: '*' }).first())!.n);
    expect(rows).toHaveLength(total);

    // Leaves recomputed independently: sorted-key JSON of the event read back from SQL.
    const events = await ctx.db.raw(`select id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as t, actor_kind, action, details from events order by id`);
    const byId = new Map((events.rows as { id: number; t: string; actor_kind: string; action: string; details: unknown }[]).map((e) => [Number(e.id), e]));
    for (const r of rows.slice(0, 3)) {
      const e = byId.get(Number(r.event_id))!;
      const data = leafData({ seq: r.seq, subjectSeq: null, event: (await eventObject(Number(r.event_id))) });
      const parsed = JSON.parse(data.toString('utf8'));
      expect(data.equals(leafDataByCanonicalize({ seq: r.seq, subjectSeq: null, event: await eventObject(Number(r.event_id)) }))).toBe(true);
      expect(parsed.event).toMatchObject({ id: Number(r.event_id), occurredAt: e.t, actorKind: e.actor_kind, action: e.action, details: e.details });
      expect(refLeafHash(refCanonical(parsed)).equals(r.leaf_hash)).toBe(true);
    }

    const head = first.status === 'sealed' ? first.head : undefined;
    expect(head!.size).toBe(total);
    expect(head!.root.equals(refRoot(rows.map((r) => r.leaf_hash)))).toBe(true);
    const text = checkpoint(ORIGIN, head!);
    expect(text).toBe(`${ORIGIN}\n${total}\n${head!.root.toString('base64')}\ntime ${head!.signedAt.toISOString()}\n`);
    expect(smCryptoVerify(text, head!.signature.toString('hex'), signer.publicKey)).toBe(true);
    expect(smCryptoVerify(text.replace(`\n${total}\n`, `\n${total + 1}\n`), head!.signature.toString('hex'), signer.publicKey)).toBe(false);
    expect(logOrigin({ PLATFORM_DEPARTMENT_CODE: '11330000MB0000000H' })).toBe('sharehub/11330000MB0000000H/audit');

    expect((await seal(ctx.db)).status).toBe('idle');
  });

  async function eventObject(id: number) {
    const { LEAF_EVENT_COLUMNS, leafEvent } = await import('../../../src/modules/audit/leaf.js');
    const { rows } = await ctx.db.raw(`select ${LEAF_EVENT_COLUMNS} from events e where e.id = ?`, [id]);
    return leafEvent(rows[0]);
  }

  it('does not skip an event whose transaction commits after a later one: it is sealed in a later round', async () => {
    const before = (await leaves(ctx.db)).length;
    const late = createDb(ctx.config.DATABASE_URL, { max: 1 });
    try {
      const trx = await late.transaction();
      const lateId = await note(trx, 'test.late'); // the smaller id, still uncommitted
      const earlyId = await note(ctx.db, 'test.early');
      expect(lateId).toBeLessThan(earlyId);

      const round1 = await seal(ctx.db);
      expect(round1.status).toBe('sealed');
      let rows = await leaves(ctx.db);
      expect(rows.map((r) => Number(r.event_id)).slice(before)).toEqual([earlyId]);
      // The watermark stays at or below the open transaction, so the next round looks again.
      await trx.commit();
      const round2 = await seal(ctx.db);
      expect(round2.status).toBe('sealed');
      rows = await leaves(ctx.db);
      expect(rows.map((r) => Number(r.event_id)).slice(before)).toEqual([earlyId, lateId]);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i));
    } finally {
      await late.destroy();
    }
  });

  it('a round cut at the batch limit keeps its watermark and the next round goes on', async () => {
    const before = (await leaves(ctx.db)).length;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await note(ctx.db, `test.b${i}`));
    expect((await seal(ctx.db, 2)).status).toBe('sealed');
    expect((await seal(ctx.db, 2)).status).toBe('sealed');
    expect((await seal(ctx.db, 2)).status).toBe('sealed');
    expect((await seal(ctx.db, 2)).status).toBe('idle');
    const rows = await leaves(ctx.db);
    expect(rows.slice(before).map((r) => Number(r.event_id))).toEqual(ids);
    const heads = await ctx.db('tree_heads').orderBy('size').select('size', 'root');
    const all = rows.map((r) => r.leaf_hash);
    for (const h of heads) expect(Buffer.from(h.root).equals(refRoot(all.slice(0, Number(h.size))))).toBe(true);
  });

  it('one round at a time: a second sealer finds the lock taken', async () => {
    await note(ctx.db, 'test.c');
    const holder = createDb(ctx.config.DATABASE_URL, { max: 1 });
    try {
      const trx = await holder.transaction();
      await trx.raw('select pg_advisory_xact_lock(?::bigint)', [(await import('../../../src/modules/audit/sealer.js')).SEALER_LOCK_KEY.toString()]);
      expect((await seal(ctx.db)).status).toBe('busy');
      await trx.rollback();
      expect((await seal(ctx.db)).status).toBe('sealed');
    } finally {
      await holder.destroy();
    }
  });
});
