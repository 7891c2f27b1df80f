// Forwarding benchmark (issue 10): what the hub adds to a query of a provider-served resource. A
// local provider stub (a real HTTP server on 127.0.0.1) answers one record; the same query is made
// BENCH_FORWARD_CALLS times (default 500, after a warm-up) through the hub's query path —
// readRecord: grant, quota, signed forward under breaker and timeout, reply validation,
// projection, masking and the group-committed audit event — and directly to the stub, the two
// interleaved so both meet the same machine. The figure to read is the ratio of the two in one
// run: a busier machine slows both. The issue sets no goal for it; the part reports and passes.
//
// Its own database (bench-database.ts: on DATABASE_URL's server, else embedded); quota counters in Redis at REDIS_URL
// when set, otherwise in process (said in the output). Run alone:
// `npx tsx tests/bench/exchange-forwarding.ts [calls]`.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import type { Db } from '../../src/db.js';
import { openBenchDatabase } from './bench-database.js';
import { deriveKeys } from '../../src/lib/crypto.js';
import { usccWithCheck } from '../../src/lib/identifiers.js';
import { createAccessAppender } from '../../src/modules/audit/access-events.js';
import { cliContext } from '../../src/modules/context.js';
import { createDepartment } from '../../src/modules/departments/departments-service.js';
import { GrantCache } from '../../src/modules/exchange/grant-check.js';
import { redisDailyCounters, type DailyCounters } from '../../src/modules/exchange/quota.js';
import { recordKeyring } from '../../src/modules/exchange/record-keys.js';
import { readRecord, type ExchangeDeps } from '../../src/modules/exchange/records-service.js';
import { ProviderForwarder } from '../../src/modules/exchange/sources/provider-api.js';
import { BENCH_PERSON_ITEMS, syntheticCitizenId } from './exchange-load.js';

const SERVICE_ITEM = '330100-000-XK-00123';
const WARMUP = 50;

/** The provider's front-end processor: one record for any subject asked, the asked fields only. */
async function startStub(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const q = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { subjectIds: string[]; fields: string[] };
      const all: Record<string, string> = { name: '测试人员1', gender: '1', birth_date: '1940-01-01', registered_at: '2020-01-01' };
      const records = q.subjectIds.map((subjectId) => ({
        subjectId, updatedAt: '2026-11-30T08:00:00Z', fields: Object.fromEntries(q.fields.filter((f) => f in all).map((f) => [f, all[f]])),
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ records }));
    });
  });
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/records`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The consumer calling the stub itself: the same POST, a fresh connection (as the hub's guard makes). */
function callDirect(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Departments, a consumer system, a published provider_api resource and an active grant, in the catalog's and workflow's tables. */
async function seed(db: Db, keys: ReturnType<typeof deriveKeys>, endpoint: string) {
  const providerCode = usccWithCheck('11330000MB0000501');
  const consumerCode = usccWithCheck('11330000MB0000502');
  await createDepartment(cliContext(db), keys, { code: providerCode, name: '基准测试提供部门', level: 'province' });
  await createDepartment(cliContext(db), keys, { code: consumerCode, name: '基准测试使用部门', level: 'province' });
  const [system] = await db('systems').insert({ department_code: consumerCode, name: '基准审批系统' }).returning('id') as { id: string }[];
  const resourceId = randomUUID();
  await db('resources').insert({ id: resourceId, code: `101001/8${randomBytes(3).toString('hex')}`, provider_code: providerCode, status: 'published', published_version: 1 });
  await db('resource_versions').insert({
    resource_id: resourceId, version: 1, status: 'published', name: '人口基础信息（前置机）', category_code: '101001', summary: '基准测试', format: 'database',
    data_items: JSON.stringify(BENCH_PERSON_ITEMS), share_type: 1, share_method: 'interface', update_cycle: 'realtime',
    subject_type: 'person', subject_key: 'id_number', delivery: JSON.stringify({ mode: 'provider_api', endpoint }),
    contact: JSON.stringify({ name: '基准', phone: '0571-87000000' }),
  });
  const now = new Date();
  const validTo = new Date(now.getTime() + 365 * 86_400_000);
  const terms = {
    consumer_code: consumerCode, provider_code: providerCode, resource_id: resourceId, resource_version: 1, system_id: system!.id,
    fields: JSON.stringify(['id_number', 'name', 'birth_date']), purpose: '基准测试', legal_basis: '基准测试', service_item_code: SERVICE_ITEM,
    valid_from: new Date(now.getTime() - 86_400_000), valid_to: validTo,
  };
  const [application] = await db('applications').insert({ ...terms, expected_daily_calls: 1_000_000, status: 'granted', submitted_at: now }).returning('id') as { id: string }[];
  await db('grants').insert({ ...terms, application_id: application!.id, daily_quota: 10_000_000, expiry_notice_at: validTo, created_at: now });
  return { resourceId, systemId: system!.id, consumerCode };
}

function percentile(samples: number[], p: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchExchangeForwarding(calls = Number(process.env.BENCH_FORWARD_CALLS ?? 500)): Promise<boolean> {
  const database = await openBenchDatabase();
  const db = database.db;
  const stub = await startStub();
  const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 }) : undefined;
  const appender = createAccessAppender(db);
  try {
    const keys = deriveKeys(randomBytes(32).toString('hex'));
    const { resourceId, systemId, consumerCode } = await seed(db, keys, stub.url);
    const counts = new Map<string, number>();
    const inProcess: DailyCounters = { increment: async (cs) => cs.map((c) => { counts.set(c.name, (counts.get(c.name) ?? 0) + c.by); return counts.get(c.name)!; }) };
    const clock = () => new Date();
    const deps: ExchangeDeps = {
      keyring: recordKeyring(keys), grants: new GrantCache(), appender, clock, verifyDailyLimit: 20,
      counters: redis ? redisDailyCounters(redis, `bench${randomBytes(3).toString('hex')}:exchange`) : inProcess,
      forwarder: new ProviderForwarder({ timeoutMs: 5_000, breakerFailures: 1_000, halfOpenAfterMs: 30_000, maxReplyBytes: 1 << 20, allowLoopback: true }, keys, clock),
    };
    const subject = syntheticCitizenId(1);
    const headers = { caseId: 'BENCH-0001', operatorId: 'op-bench', serviceItem: SERVICE_ITEM };
    const viaHub = async () => {
      const actor = { kind: 'system' as const, role: 'system' as const, systemId, keyId: 'bench', departmentCode: consumerCode };
      await readRecord({ db, now: clock(), requestId: randomUUID(), actor }, deps, { resourceId, subjectId: subject, headers });
    };
    const directBody = JSON.stringify({ resourceId, resourceVersion: 1, subjectIds: [subject], fields: ['name', 'birth_date'], consumer: { departmentCode: consumerCode, serviceItem: SERVICE_ITEM } });
    const direct = () => callDirect(stub.url, directBody);

    for (let i = 0; i < WARMUP; i++) {
      await viaHub();
      await direct();
    }
    const hub: number[] = [];
    const plain: number[] = [];
    const time = async (f: () => Promise<void>, into: number[]) => {
      const t = process.hrtime.bigint();
      await f();
      into.push(Number(process.hrtime.bigint() - t) / 1e6);
    };
    for (let i = 0; i < calls; i++) {
      await time(viaHub, hub);
      await time(direct, plain);
    }
    const p = (s: number[], q: number) => percentile(s, q).toFixed(2);
    console.log(`quota counters: ${redis ? 'Redis (REDIS_URL)' : 'in process (no REDIS_URL)'}; ${calls} sequential calls each, interleaved`);
    console.log(`via the hub (grant, quota, signed forward, projection, audit): p50 ${p(hub, 50)} ms, p95 ${p(hub, 95)} ms, p99 ${p(hub, 99)} ms`);
    console.log(`direct to the stub:                                         p50 ${p(plain, 50)} ms, p95 ${p(plain, 95)} ms, p99 ${p(plain, 99)} ms`);
    console.log(`ratio hub/direct: p50 ${(percentile(hub, 50) / percentile(plain, 50)).toFixed(1)}×, p95 ${(percentile(hub, 95) / percentile(plain, 95)).toFixed(1)}×`
      + ` (hub overhead at p50: ${(percentile(hub, 50) - percentile(plain, 50)).toFixed(2)} ms)`);
    const events = await db('events').where({ action: 'record.read', outcome: 'success' }).count({ n: '*' }).first();
    console.log(`audit events written: ${events?.n} (one per call through the hub)`);
    return true;
  } finally {
    await appender.close();
    await stub.close();
    redis?.disconnect();
    await database.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ok = await benchExchangeForwarding(process.argv[2] ? Number(process.argv[2]) : undefined);
  process.exitCode = ok ? 0 : 1;
}
