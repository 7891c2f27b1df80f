import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { sm2 } from 'sm-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveKeys } from '../../../src/lib/crypto.js';
import { deriveAuditSm2KeyPair } from '../../../src/lib/sm2.js';
import { recordEvent } from '../../../src/modules/audit/events.js';
import { auditSeal } from '../../../workers/audit-seal.js';
import type { JobDeps } from '../../../workers/deps.js';
import { manualClock } from '../../helpers/clock.js';
import { useWorld } from '../../helpers/use-test-app.js';
import { refConsistency, refPath, refRoot, refRootFromPath, smCryptoSign, smCryptoVerify } from './reference.js';

// The verifiable audit log end to end: the sealing job, signed heads (checked with sm-crypto),
// proofs (checked with the independent reference of reference.ts), witnesses, and the verifier
// naming the first event that differs after a superuser tampers with the trail in SQL.

const clock = manualClock('2026-11-30T09:00:00');
const witness = sm2.generateKeyPairHex();
const tmp = path.join(os.tmpdir(), `sharehub-heads-${process.pid}-${Date.now()}.ndjson`);

describe('the verifiable audit log', () => {
  const w = useWorld({ clock, overrides: { AUDIT_WITNESS_KEYS: `audit-office=${witness.publicKey}`, AUDIT_HEADS_FILE: tmp } });
  let deps: JobDeps;
  const seal = async () => {
    clock.advance(5_000);
    return auditSeal({ window: String(Date.now()) }, deps) as Promise<{ status: string; size?: number }>;
  };
  const get = async (url: string, headers: Record<string, string> = {}) => w.ctx.app.inject({ method: 'GET', url, headers });
  const leafHashes = async () => ((await w.ctx.db('event_leaves').orderBy('seq').select('leaf_hash')) as { leaf_hash: Buffer }[]).map((r) => r.leaf_hash);

  beforeAll(async () => {
    deps = { db: w.ctx.db, config: w.ctx.config, keys: deriveKeys(w.ctx.config.SHAREHUB_SECRET_KEY), clock, log: pino({ level: 'silent' }), enqueue: async () => {}, invalidate: async () => {} };
  });

  it('publishes the signing key derived from the master secret, and heads that sm-crypto verifies', async () => {
    expect((await get('/v1/audit/tree-heads/latest')).statusCode).toBe(404);
    expect((await seal()).status).toBe('sealed');
    const key = (await get('/v1/audit/public-key')).json();
    expect(key.publicKey).toBe(deriveAuditSm2KeyPair(w.ctx.config.SHAREHUB_SECRET_KEY).publicKey);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(key.witnesses).toEqual([{ name: 'audit-office', publicKey: witness.publicKey }]);

    const res = await get('/v1/audit/tree-heads/latest');
    expect(res.statusCode).toBe(200);
    const head = res.json();
    const leaves = await leafHashes();
    expect(head.size).toBe(leaves.length);
    expect(head.rootHash).toBe(refRoot(leaves).toString('hex'));
    expect(head.checkpoint).toBe(`${key.origin}\n${head.size}\n${Buffer.from(head.rootHash, 'hex').toString('base64')}\ntime ${head.timestamp}\n`);
    expect(smCryptoVerify(head.checkpoint, head.signature, key.publicKey)).toBe(true);
    expect(head.witnessed).toBe(false);
    // The publishable file holds the same head.
    const lines = (await fs.readFile(tmp, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ size: head.size, rootHash: head.rootHash, signature: head.signature });
    expect((await get(`/v1/audit/tree-heads?size=${head.size}`)).json()).toEqual(head);
    expect((await get(`/v1/audit/tree-heads?size=${head.size + 7}`)).statusCode).toBe(404);
    expect((await get('/v1/audit/tree-heads?size=-1')).statusCode).toBe(400);
  });

  it('inclusion and consistency proofs verify with an independent implementation', async () => {
    const first = (await get('/v1/audit/tree-heads/latest')).json();
    for (let i = 0; i < 9; i++) await recordEvent(w.ctx.db, { actor: { kind: 'cli' }, entityType: 'calendar', entityId: String(i), action: 'test.proof' });
    await seal();
    for (let i = 0; i < 4; i++) await recordEvent(w.ctx.db, { actor: { kind: 'cli' }, entityType: 'calendar', entityId: String(i), action: 'test.proof2' });
    await seal();
    const latest = (await get('/v1/audit/tree-heads/latest')).json();
    const leaves = await leafHashes();
    const heads = (await w.ctx.db('tree_heads').orderBy('size').select('size')).map((h: { size: number }) => Number(h.size));
    expect(heads.length).toBe(3);

    const rows = await w.ctx.db('event_leaves').orderBy('seq').select('seq', 'event_id');
    for (const size of heads) {
      const head = (await get(`/v1/audit/tree-heads?size=${size}`)).json();
      for (const { seq, event_id } of rows.filter((r: { seq: number }) => r.seq < size && (r.seq % 3 === 0 || r.seq === size - 1))) {
        const res = await get(`/v1/audit/proofs/inclusion?event=${event_id}&size=${size}`, w.auditor);
        expect(res.statusCode).toBe(200);
        const proof = res.json();
        expect(proof).toMatchObject({ eventId: Number(event_id), leafIndex: Number(seq), treeSize: size, rootHash: head.rootHash });
        const pathHashes = proof.auditPath.map((h: string) => Buffer.from(h, 'hex'));
        expect(pathHashes).toEqual(refPath(Number(seq), leaves.slice(0, size)));
        expect(refRootFromPath(Number(seq), size, Buffer.from(proof.leafHash, 'hex'), pathHashes)?.toString('hex')).toBe(head.rootHash);
      }
    }
    for (const [a, b] of [[heads[0]!, heads[1]!], [heads[1]!, heads[2]!], [heads[0]!, heads[2]!]] as [number, number][]) {
      const res = await get(`/v1/audit/proofs/consistency?from=${a}&to=${b}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().proof).toEqual(refConsistency(a, leaves.slice(0, b)).map((h) => h.toString('hex')));
      expect(res.json().toRootHash).toBe(refRoot(leaves.slice(0, b)).toString('hex'));
    }
    expect((await get(`/v1/audit/proofs/consistency?from=${latest.size}&to=${first.size}`)).statusCode).toBe(400);
    expect((await get(`/v1/audit/proofs/consistency?from=1&to=${latest.size}`)).statusCode).toBe(404);
    expect((await get(`/v1/audit/proofs/inclusion?event=${rows.at(-1).event_id}&size=${first.size}`, w.auditor)).statusCode).toBe(404);
    expect((await get('/v1/audit/proofs/inclusion?event=99999999', w.auditor)).statusCode).toBe(404);
    expect((await get('/v1/audit/proofs/inclusion?event=1', w.consumer.admin)).statusCode).toBe(403);
    expect((await get('/v1/audit/proofs/inclusion?event=1')).statusCode).toBe(401);
    expect((await get('/v1/audit/proofs/inclusion', w.auditor)).statusCode).toBe(400);
  });

  it("a witness's SM2 countersignature made with sm-crypto is verified by the hub; the head shows as witnessed", async () => {
    const head = (await get('/v1/audit/tree-heads/latest')).json();
    const post = (size: number, body: unknown) => w.ctx.app.inject({ method: 'POST', url: `/v1/audit/tree-heads/${size}/cosignatures`, payload: body as object });
    const signature = smCryptoSign(head.checkpoint, witness.privateKey);
    const other = sm2.generateKeyPairHex();
    expect((await post(head.size, { witness: 'stranger', signature })).statusCode).toBe(403);
    const forged = await post(head.size, { witness: 'audit-office', signature: smCryptoSign(head.checkpoint, other.privateKey) });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().errors[0].pointer).toBe('/body/signature');
    expect((await post(head.size + 1000, { witness: 'audit-office', signature })).statusCode).toBe(404);
    const res = await post(head.size, { witness: 'audit-office', signature });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ size: head.size, witnessed: true, cosignatures: [{ witness: 'audit-office', publicKey: witness.publicKey, signature }] });
    expect((await post(head.size, { witness: 'audit-office', signature })).json().cosignatures).toHaveLength(1);
    expect((await get('/v1/audit/tree-heads/latest')).json().witnessed).toBe(true);
  });

  describe('verification names the first event that differs after a superuser tampers in SQL', () => {
    const verify = async () => {
      const res = await get('/v1/audit/verify', w.auditor);
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    /** Runs SQL as the superuser with triggers off (session_replication_role = replica), as an attacker would. */
    const tamper = async (sql: string, bindings: unknown[] = [], ...more: [string, unknown[]][]) => w.ctx.db.transaction(async (trx) => {
      await trx.raw('set local session_replication_role = replica');
      for (const [q, b] of [[sql, bindings] as [string, unknown[]], ...more]) await trx.raw(q, b as never);
    });
    const leafAt = async (seq: number) => (await w.ctx.db('event_leaves').where({ seq }).first('event_id')).event_id as number;

    it('an untouched trail verifies; only auditors may verify, and verifying is itself an event', async () => {
      await seal();
      const report = await verify();
      expect(report).toMatchObject({ ok: true, firstDifference: null, problems: [] });
      expect(report.headsChecked).toBeGreaterThanOrEqual(3);
      expect(report.eventsChecked).toBe(report.treeSize);
      expect((await get('/v1/audit/verify', w.admin)).statusCode).toBe(403);
      expect((await get('/v1/audit/verify')).statusCode).toBe(401);
      expect(await w.ctx.db('events').where({ action: 'audit.verified' }).count({ n: '*' }).first()).toMatchObject({ n: 1 });
      await seal();
    });

    it('update a field', async () => {
      const id = await leafAt(5);
      const { reason } = await w.ctx.db('events').where({ id }).first('reason');
      await tamper('update events set reason = ? where id = ?', ['nothing happened', id]);
      expect((await verify()).firstDifference).toMatchObject({ seq: 5, eventId: id, kind: 'changed' });
      await tamper('update events set reason = ? where id = ?', [reason, id]);
      expect((await verify()).ok).toBe(true);
    });

    it('a microsecond of a timestamp', async () => {
      const id = await leafAt(2);
      await tamper("update events set occurred_at = occurred_at + interval '1 microsecond' where id = ?", [id]);
      expect((await verify()).firstDifference).toMatchObject({ seq: 2, eventId: id, kind: 'changed' });
      await tamper("update events set occurred_at = occurred_at - interval '1 microsecond' where id = ?", [id]);
    });

    it('delete a row', async () => {
      const id = await leafAt(7);
      await w.ctx.db.raw('create table tamper_saved as select * from events where id = ?', [id]);
      await tamper('delete from events where id = ?', [id]);
      expect((await verify()).firstDifference).toMatchObject({ seq: 7, eventId: id, kind: 'missing' });
      await tamper('insert into events select * from tamper_saved');
      await w.ctx.db.raw('drop table tamper_saved');
      expect((await verify()).ok).toBe(true);
    });

    it('insert a row: behind the sealer, or as a forged leaf', async () => {
      const { rows: [row] } = await w.ctx.db.raw(`insert into events (actor_kind, entity_type, entity_id, action, insert_xid)
        values ('user', 'grant', 'x', 'grant.issued', '3') returning id`);
      const report = await verify();
      expect(report.firstDifference).toMatchObject({ seq: null, eventId: Number(row.id), kind: 'inserted' });
      const size = Number((await w.ctx.db('tree_heads').max({ n: 'size' }).first())!.n);
      await tamper('insert into event_leaves (seq, event_id, leaf_hash) values (?, ?, ?)', [size, row.id, Buffer.alloc(32)]);
      expect((await verify()).firstDifference).toMatchObject({ seq: size, kind: 'inserted' });
      await tamper('delete from event_leaves where seq = ?', [size]);
      await tamper('delete from events where id = ?', [row.id]);
      expect((await verify()).ok).toBe(true);
    });

    it('reorder two rows', async () => {
      const [a, b] = [await leafAt(3), await leafAt(4)];
      const swap = (x: number, y: number) => tamper('update event_leaves set event_id = -1 where seq = 3', [],
        ['update event_leaves set event_id = ? where seq = 4', [x]], ['update event_leaves set event_id = ? where seq = 3', [y]]);
      await swap(a, b);
      expect((await verify()).firstDifference).toMatchObject({ seq: 3, eventId: b, kind: 'changed' });
      await swap(b, a);
      // The same, swapping the rows' contents instead of their positions.
      const cols = await w.ctx.db.raw('select id, action, entity_id from events where id in (?, ?)', [a, b]);
      const [ra, rb] = [cols.rows.find((r: { id: number }) => Number(r.id) === a), cols.rows.find((r: { id: number }) => Number(r.id) === b)];
      if (ra.action !== rb.action || ra.entity_id !== rb.entity_id) {
        await tamper('update events set action = ?, entity_id = ? where id = ?', [rb.action, rb.entity_id, a]);
        expect((await verify()).firstDifference).toMatchObject({ seq: 3, eventId: a, kind: 'changed' });
        await tamper('update events set action = ?, entity_id = ? where id = ?', [ra.action, ra.entity_id, a]);
      }
      expect((await verify()).ok).toBe(true);
    });
  });
});
