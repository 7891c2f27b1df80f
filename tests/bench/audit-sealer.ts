// Audit sealer benchmark (issue 11 §4). Two goals, `npm run bench -- audit` exits 1 when one is missed:
//   1. throughput: BENCH_AUDIT_EVENTS data-access events (default 200,000), already committed,
//      are sealed by rounds of AUDIT_SEAL_MAX_EVENTS (50,000) — leaves, nodes, an SM2-signed head
//      each — at ≥ 5,000 events/s;
//   2. latency: while the exchange's group-committed appender writes BENCH_AUDIT_RATE events/s
//      (default 2,000) for BENCH_AUDIT_SECONDS (20), a sealer round every 2 s (the default
//      AUDIT_SEAL_INTERVAL_MS) puts every event inside a signed head ≤ 10 s after its commit.
// Uses DATABASE_URL when set (a database is created there and dropped afterwards), otherwise an
// embedded PostgreSQL in a temporary directory.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../src/db.js';
import { openBenchDatabase } from './bench-database.js';
import { generateSm2KeyPair } from '../../src/lib/sm2.js';
import { createAccessAppender, type AccessEvent } from '../../src/modules/audit/access-events.js';
import { sealRound } from '../../src/modules/audit/sealer.js';

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 200_000);
const RATE = Number(process.env.BENCH_AUDIT_RATE ?? 2_000);
const SECONDS = Number(process.env.BENCH_AUDIT_SECONDS ?? 20);
const ROUND_MAX_EVENTS = 50_000;
const SEAL_INTERVAL_MS = 2_000;
const GOAL_EVENTS_PER_S = 5_000;
const GOAL_LATENCY_MS = 10_000;
const BATCH_PER_TICK_MS = 50;

const signer = generateSm2KeyPair();
const seal = (db: Db) => sealRound(db, { signer, origin: 'sharehub/bench/audit', now: new Date(), maxEvents: ROUND_MAX_EVENTS });

/** Bulk-inserts `n` data-access events shaped like the exchange's (subject hashes over 5,000 subjects). */
async function preload(db: Db, n: number) {
  await db.raw(`
    insert into events (occurred_at, actor_kind, actor_id, actor_department, entity_type, entity_id, action, outcome, request_id,
      resource_id, grant_id, subject_hash, subject_masked, fields, service_item_code, case_id, operator_id, latency_ms)
    select now(), 'system', gen_random_uuid()::text, '11330000MB0000000H', 'resource', r::text, 'record.read', 'success', gen_random_uuid()::text,
      r, gen_random_uuid(), sha256(('s' || (i % 5000))::bytea), '110105********002X', '["name","address"]', 'S-1', 'case-' || i, 'op-1', 3
    from generate_series(1, ?) i, (select gen_random_uuid() as r) res`, [n]);
}

async function throughput(db: Db): Promise<boolean> {
  await preload(db, EVENTS);
  const started = performance.now();
  let sealed = 0;
  let rounds = 0;
  for (;;) {
    const result = await seal(db);
    if (result.status !== 'sealed') break;
    sealed += result.sealed;
    rounds += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  const rate = sealed / seconds;
  console.log(`sealed ${sealed} events in ${rounds} rounds in ${seconds.toFixed(2)} s: ${Math.round(rate)} events/s (goal ≥ ${GOAL_EVENTS_PER_S})`);
  return rate >= GOAL_EVENTS_PER_S;
}

async function latency(db: Db): Promise<boolean> {
  const appender = createAccessAppender(db);
  const committed = new Map<number, number>(); // event id → commit time (ms)
  const heads: { size: number; at: number }[] = [];
  let writing = true;
  const sealer = (async () => {
    for (;;) {
      const tick = performance.now();
      const result = await seal(db);
      if (result.status === 'sealed') heads.push({ size: result.head.size, at: performance.now() });
      else if (!writing) return;
      await sleep(Math.max(0, SEAL_INTERVAL_MS - (performance.now() - tick)));
    }
  })();
  const event = (i: number): AccessEvent => ({
    systemId: 'bench', departmentCode: '11330000MB0000000H', action: 'record.read', resourceId: '00000000-0000-4000-8000-000000000001', grantId: null,
    subjectHash: Buffer.from(randomBytes(32)), subjectMasked: '110105********002X', fields: ['name'], serviceItemCode: 'S-1', caseId: `c-${i}`,
    operatorId: 'op', outcome: 'success', reason: null, requestId: `r-${i}`, latencyMs: 1, occurredAt: new Date(),
  });
  const perTick = Math.max(1, Math.round((RATE * BATCH_PER_TICK_MS) / 1000));
  const end = performance.now() + SECONDS * 1000;
  const pending: Promise<void>[] = [];
  for (let i = 0; performance.now() < end; i += perTick) {
    const tick = performance.now();
    pending.push(appender.append(Array.from({ length: perTick }, (_, k) => event(i + k))).then((ids) => {
      const at = performance.now();
      for (const id of ids) committed.set(Number(id), at);
    }));
    await sleep(Math.max(0, BATCH_PER_TICK_MS - (performance.now() - tick)));
  }
  await Promise.all(pending);
  await appender.close();
  writing = false;
  await sealer;
  const seqs: { seq: number; event_id: number }[] = await db('event_leaves').whereIn('event_id', [...committed.keys()]).select('seq', 'event_id');
  const waits: number[] = [];
  for (const { seq, event_id } of seqs) {
    const head = heads.find((h) => h.size > Number(seq));
    if (head) waits.push(head.at - committed.get(Number(event_id))!);
  }
  waits.sort((a, b) => a - b);
  const at = (p: number) => waits[Math.min(waits.length - 1, Math.ceil((p / 100) * waits.length) - 1)] ?? Infinity;
  const missing = committed.size - waits.length;
  console.log(`${committed.size} events at ~${RATE}/s for ${SECONDS} s, a seal round every ${SEAL_INTERVAL_MS} ms: inside a signed head after `
    + `p50 ${(at(50) / 1000).toFixed(2)} s, p99 ${(at(99) / 1000).toFixed(2)} s, max ${(at(100) / 1000).toFixed(2)} s `
    + `(goal ≤ ${GOAL_LATENCY_MS / 1000} s)${missing ? `; ${missing} never sealed` : ''}`);
  return missing === 0 && at(100) <= GOAL_LATENCY_MS;
}

export async function benchAuditSealer(): Promise<boolean> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const { db, close } = await openBenchDatabase();
    cleanups.push(close);
    const fast = await throughput(db);
    const prompt = await latency(db);
    return fast && prompt;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}
