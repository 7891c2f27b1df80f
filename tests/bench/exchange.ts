// Exchange benchmark (issue 9 point 6), `npm run bench -- exchange`. In one run on one database:
//
// 1. bulk load: BENCH_RECORDS synthetic person records (default 1,000,000) POSTed as one NDJSON
//    stream to …/records/bulk of the API — validation, HMAC-SM3 index, SM4 sealing, batched
//    writes with history, one transaction; figure: validated records/s (goal ≥ 20,000);
// 2. the full query path GET …/records/{subjectId} at 32 connections (API key, grant, quota in
//    Redis, PK lookup, unseal, projection and masking, group-committed audit event) against a bare
//    Fastify route doing the same primary-key SELECT on the same table (exchange-bare.ts):
//    req/s, p50, p99 and the ratio full/bare (goals: ratio ≥ 0.75, p99 ≤ 25 ms), the two measured
//    in six interleaved slices each so that the machine's drift falls on both;
// 3. batch-get of 1,000 ids (goal ≥ 50,000 ids/s); 4. verify (req/s, no goal of its own);
// 5. the API process's peak RSS (VmHWM, goal ≤ 300 MB) over the whole run, the load included;
// 6. the full GET path again with `sharehub worker` running beside the API (the audit sealer
//    signing tree heads every AUDIT_SEAL_INTERVAL_MS): the same ratio goal, against the bare route
//    interleaved with it again, and how long an event waits to be inside a signed head at that
//    load (goal ≤ 10 s, issue 11).
//
// The API is the real `sharehub api` process in a child of its own, so its RSS is its own, run as
// deployed: compiled first (`tsc -p tsconfig.build.json` into dist/, as the Dockerfile does) and
// started with plain node and the image's NODE_OPTIONS (BENCH_API_FROM_SOURCE=1 runs src/cli.ts
// through tsx instead, whose loader adds to the RSS). The bare route is another child; the load
// generator (autocannon) runs here. Every request of a run draws its subject from one pool of ids
// prepared ahead (the bare route gets their HMAC index, also prepared ahead), so client-side work
// is the same for both sides.
// PostgreSQL: DATABASE_URL (a database is created and dropped) or an embedded one; Redis:
// REDIS_URL or a local redis-server, both in a temporary directory.
//
// Settings (env): BENCH_RECORDS (1,000,000), BENCH_SECONDS per measured run (15),
// BENCH_CONNECTIONS (32), BENCH_BATCH_CONNECTIONS (8), BENCH_API_LOG_LEVEL (info, the default of
// a deployment), BENCH_API_NODE_OPTIONS (extra node flags for the API child, e.g. --cpu-prof).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pino from 'pino';
import { bootstrap } from '../../src/bootstrap.js';
import { loadConfig, type RuntimeConfig } from '../../src/config.js';
import type { Db } from '../../src/db.js';
import { openBenchDatabase } from './bench-database.js';
import { deriveKeys } from '../../src/lib/crypto.js';
import { usccWithCheck } from '../../src/lib/identifiers.js';
import { reviewApplication, submitApplication } from '../../src/modules/applications/applications-service.js';
import { workflowSettings } from '../../src/modules/applications/settings.js';
import { createResource, reviewResource, submitResource } from '../../src/modules/catalog/catalog-service.js';
import { subjectHash, recordKeyring } from '../../src/modules/exchange/record-keys.js';
import type { Principal } from '../../src/modules/identity/principal.js';
import { createSystem } from '../../src/modules/systems/systems-service.js';
import { findFreePort } from '../../src/runtime/free-port.js';
import { startLocalRedis } from '../../src/runtime/local-redis.js';
import { BENCH_PERSON_ITEMS, syntheticCitizenId, syntheticPersonsNdjson } from './exchange-load.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BATCH_CONNECTIONS = Number(process.env.BENCH_BATCH_CONNECTIONS ?? 8);
const BATCH_IDS = 1_000;
const ID_POOL = 50_000;
const WARMUP_SECONDS = 3;
/** The bare and full GET runs are measured in this many alternating slices each (measure()). */
const SLICES = 6;

export const EXCHANGE_GOALS = {
  loadRecordsPerSecond: 20_000,
  fullOverBare: 0.75,
  fullP99Ms: 25,
  batchIdsPerSecond: 50_000,
  peakRssMb: 300,
  /** Issue 11: an event is inside a signed tree head this soon, with the sealer beside the full GET load. */
  sealSeconds: 10,
} as const;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVICE_ITEM = '330100-000-XK-00123';

/** The departments, resource, systems and grant of the run, made through the services as users would. */
async function setUp(db: Db, config: RuntimeConfig) {
  await bootstrap(db, config);
  const admin: { id: string; username: string; department_code: string } = await db('users').where('role', 'platform_admin').first('id', 'username', 'department_code');
  const platform: Principal = { kind: 'user', role: 'platform_admin', userId: admin.id, username: admin.username, departmentCode: admin.department_code };
  const provider = usccWithCheck('11330000MB0000101');
  const consumer = usccWithCheck('11330100MB0000202');
  await db('departments').insert([
    { code: provider, name: '基准测试公安厅', level: 'province' },
    { code: consumer, name: '基准测试民政局', level: 'city' },
  ]);
  const deptAdmin = (departmentCode: string): Principal => ({ kind: 'user', role: 'dept_admin', userId: randomUUID(), username: 'bench', departmentCode });
  const ctx = (actor: Principal) => ({ db, actor, now: new Date() });

  const resource = await createResource(ctx(deptAdmin(provider)), {
    code: '101001/90000001', name: '人口基础信息（基准测试）', summary: '基准测试：合成的户籍人口基础信息，姓名与地址均为虚构',
    format: 'database', formatSubtype: 'PostgreSQL', dataItems: BENCH_PERSON_ITEMS, shareType: 1, shareMethod: 'interface',
    openToPublic: false, updateCycle: 'realtime', relatedCodes: [], subjectType: 'person', subjectKey: 'id_number', controlParams: [],
    delivery: { mode: 'hosted' }, contact: { name: '基准测试', phone: '0571-87000000' },
  });
  await submitResource(ctx(deptAdmin(provider)), resource.id);
  await reviewResource(ctx(platform), resource.id, { decision: 'publish' });

  const loader = await createSystem(ctx(deptAdmin(provider)), { name: '基准装载系统' });
  const reader = await createSystem(ctx(deptAdmin(consumer)), { name: '基准审批系统' });
  const settings = workflowSettings(config);
  const now = new Date();
  const application = await submitApplication({ ...ctx(deptAdmin(consumer)), settings }, {
    resourceId: resource.id, systemId: reader.id, fields: ['id_number', 'name', 'gender', 'birth_date', 'address'],
    purpose: '基准测试：窗口办件时核验申请人身份', legalBasis: '《中华人民共和国户口登记条例》', serviceItemCode: SERVICE_ITEM,
    validFrom: now.toISOString(), validTo: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    // The run makes a few hundred thousand calls (each id of a batch counts): the quota must not be what stops it.
    expectedDailyCalls: 10_000_000,
  });
  const granted = await reviewApplication({ ...ctx(platform), settings }, application.id, { decision: 'accept' });
  if (granted.status !== 'granted') throw new Error(`bench set-up: the application is ${granted.status}, not granted`);
  return { resourceId: resource.id, loaderKey: loader.key.apiKey, readerKey: reader.key.apiKey };
}

interface Child { process: ChildProcess; url: string; logFile: string }

async function startChild(name: string, args: string[], env: Record<string, string>, logDir: string, ready: string): Promise<Child> {
  const port = await findFreePort();
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const started: Child = { process: child, url, logFile };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(`${url}${ready}`)).status < 500) return started;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stopChild(started);
      throw new Error(`${name} did not start within 120 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopChild(child: Child | undefined) {
  if (!child || child.process.exitCode !== null) return;
  const exited = new Promise((r) => child.process.once('exit', r));
  child.process.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.process.exitCode === null) child.process.kill('SIGKILL');
}

/** The node flags the image runs the hub with (the Dockerfile's ENV NODE_OPTIONS): the API is measured as deployed. */
function deployedNodeOptions(): string[] {
  const match = /^ENV .*\bNODE_OPTIONS=(?:"([^"]*)"|(\S+))/m.exec(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  const options = (match?.[1] ?? match?.[2] ?? '').split(/\s+/).filter(Boolean);
  if (options.length === 0) throw new Error('the Dockerfile sets no NODE_OPTIONS: the bench runs the API as the image does');
  return options;
}

/** `npm run build`: the compiled app the Dockerfile ships. */
async function compile() {
  const tsc = spawn(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  const code = await new Promise<number | null>((r) => tsc.once('exit', r));
  if (code !== 0) throw new Error(`tsc -p tsconfig.build.json exited with ${code}`);
}

/** Peak and current resident set of a process, in MB (Linux /proc). */
function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/** CPU time (user + system) used so far by a process, in seconds (Linux /proc; USER_HZ is 100). */
function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU time so far of each PostgreSQL process on this machine (the embedded server's backends among them). */
function postgresCpu(): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') cpu.set(Number(pid), cpuSecondsOf(Number(pid)));
    } catch { /* exited meanwhile */ }
  }
  return cpu;
}

/**
 * What PostgreSQL's processes used between two snapshots: those alive at the end (a process that
 * started meanwhile counts from zero). One that exited meanwhile (an autovacuum worker) is left
 * out: its time is gone from /proc, and subtracting what it had would make the sum negative.
 */
function postgresCpuSince(before: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of postgresCpu()) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** CPU seconds a run cost the server process and PostgreSQL: what a request costs, however busy the machine is. */
type Cpu = { server: number; postgres: number };

async function withCpu<T extends { cpu?: Cpu }>(pid: number, run: () => Promise<T>): Promise<T> {
  const server = cpuSecondsOf(pid);
  const postgres = postgresCpu();
  const result = await run();
  result.cpu = { server: cpuSecondsOf(pid) - server, postgres: postgresCpuSince(postgres) };
  return result;
}

type Run = { requests: number; rps: number; p50: number; p99: number; errors: number; non2xx: number; seconds: number; latencies: number[]; cpu?: Cpu };

async function cannon(opts: autocannon.Options): Promise<Run> {
  // Every response's time, so that runs in slices (interleaved) merge into exact percentiles.
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...opts, bailout: 1_000 }, (err, done) => (err ? reject(err) : resolve(done)));
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  return summarise([{ requests: result.requests.total, errors: result.errors + result.timeouts, non2xx: result.non2xx, seconds: result.duration, latencies }]);
}

/** One run from slices of it: requests over the time spent, percentiles over all their responses. */
function summarise(slices: Pick<Run, 'requests' | 'errors' | 'non2xx' | 'seconds' | 'latencies' | 'cpu'>[]): Run {
  const latencies = slices.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN);
  const sum = (key: 'requests' | 'errors' | 'non2xx' | 'seconds') => slices.reduce((n, s) => n + s[key], 0);
  return {
    requests: sum('requests'), rps: sum('requests') / (sum('seconds') || 1), p50: at(0.5), p99: at(0.99),
    errors: sum('errors'), non2xx: sum('non2xx'), seconds: sum('seconds'), latencies,
    ...(slices.every((s) => s.cpu) ? { cpu: { server: slices.reduce((n, s) => n + s.cpu!.server, 0), postgres: slices.reduce((n, s) => n + s.cpu!.postgres, 0) } } : {}),
  };
}

/** Waits until the server answers a trivial request again: what an earlier run left in flight is done. */
async function settle(server: Child) {
  await new Promise((r) => setTimeout(r, 500));
  await fetch(`${server.url}/readyz`);
}

/** `sharehub worker` (the BullMQ workers and scheduler, the audit sealer among them), as deployed beside the API. */
function startWorker(args: string[], env: Record<string, string>, logDir: string): Child {
  const logFile = path.join(logDir, 'worker.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return { process: child, url: '', logFile };
}

/** The newest event committed now. */
async function newestEvent(db: Db): Promise<number> {
  const { rows: [row] } = await db.raw('select max(id)::bigint as id from events') as { rows: { id: string | null }[] };
  return Number(row?.id ?? 0);
}

/** When the first signed tree head holding this event was signed; waits for it up to `timeoutMs`. */
async function sealedAt(db: Db, eventId: number, timeoutMs: number): Promise<Date | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows: [row] } = await db.raw(
      `select h.signed_at from event_leaves l join tree_heads h on h.size > l.seq where l.event_id = ? order by h.size limit 1`, [eventId],
    ) as { rows: { signed_at: Date }[] };
    if (row) return row.signed_at;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The full GET path again with the sealer running (issue 11: the ratio still meets its goal),
 * interleaved with the bare route as in measure(), and how long events wait for a signed head at
 * that load: every second of the full slices the newest committed event is noted, then the time
 * until a head holding it was signed. The sealer first catches up with the trail of the earlier
 * runs, so that its backlog is not what is measured.
 */
async function measureWithSealer(db: Db, api: Child, worker: Child, sides: Sides) {
  const caughtUp = await sealedAt(db, await newestEvent(db), 600_000);
  if (!caughtUp) throw new Error(`the sealer did not catch up with the trail within 10 minutes; see ${worker.logFile}`);
  await settle(api);
  const samples: { eventId: number; at: number }[] = [];
  let sampling = false;
  const sampler = setInterval(() => {
    if (!sampling) return;
    const at = Date.now();
    newestEvent(db).then((eventId) => samples.push({ eventId, at })).catch(() => {});
  }, 1_000);
  const [bare, run] = await interleaved(sides.bare, async (seconds) => {
    sampling = true;
    try {
      return await sides.full(seconds);
    } finally {
      sampling = false;
    }
  }).finally(() => clearInterval(sampler));
  const waits: number[] = [];
  for (const { eventId, at } of samples) {
    const signed = await sealedAt(db, eventId, 60_000);
    waits.push(signed ? Math.max(0, signed.getTime() - at) / 1000 : Infinity);
  }
  waits.sort((a, b) => a - b);
  return { bare, run, sealP50: waits[Math.floor(waits.length / 2)] ?? Infinity, sealMax: waits[waits.length - 1] ?? Infinity, samples: waits.length };
}

/** One slice of `seconds` of each side of the ratio (measure()). */
type Sides = { bare: (seconds: number) => Promise<Run>; full: (seconds: number) => Promise<Run> };

/**
 * Two sides measured in SLICES alternating slices each (a, b, b, a, a, b): the machine is shared,
 * and its speed drifts over a minute by more than the gap being measured, so two back-to-back runs
 * would compare two different machines (they gave full/bare 0.67 and 0.52 for the same code).
 */
async function interleaved(a: Sides['bare'], b: Sides['full']): Promise<[Run, Run]> {
  const aSlices: Run[] = [];
  const bSlices: Run[] = [];
  const seconds = SECONDS / SLICES;
  for (let i = 0; i < SLICES; i++) {
    const pair = [async () => aSlices.push(await a(seconds)), async () => bSlices.push(await b(seconds))];
    for (const side of i % 2 === 0 ? pair : pair.reverse()) await side();
  }
  return [summarise(aSlices), summarise(bSlices)];
}

/** Cycles through `items` from a random start: each request takes the next. */
function cycler<T>(items: readonly T[]) {
  let i = randomInt(items.length);
  return () => items[i++ % items.length]!;
}

async function measure(api: Child, bare: Child, resourceId: string, readerKey: string, keyring: ReturnType<typeof recordKeyring>, mark: (phase: string) => void) {
  const auth = { authorization: `Bearer ${readerKey}`, 'x-case-id': 'BENCH-CASE-0001', 'x-operator-id': 'bench-op', 'x-service-item': SERVICE_ITEM };
  // One pool of loaded subjects for every run; the bare route gets each one's HMAC index.
  const pool = Array.from({ length: Math.min(ID_POOL, RECORDS) }, () => syntheticCitizenId(randomInt(RECORDS)));
  const fullPaths = pool.map((id) => `/v1/resources/${resourceId}/records/${id}`);
  const barePaths = pool.map((id) => `/bare/records/${resourceId}/${subjectHash(keyring.current, id).toString('hex')}`);

  const get = (base: string, paths: string[], headers: Record<string, string>, duration: number) => {
    const next = cycler(paths);
    return cannon({
      url: base, connections: CONNECTIONS, duration, headers,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: next() }) }],
    });
  };
  // Warm both (JIT, caches, pools), then measure them in interleaved slices. After each full
  // slice the API is let finish what it has in flight (autocannon stops counting, the server does not).
  const sides: Sides = {
    bare: (seconds) => withCpu(bare.process.pid!, () => get(bare.url, barePaths, {}, seconds)),
    full: (seconds) => withCpu(api.process.pid!, async () => {
      const run = await get(api.url, fullPaths, auth, seconds);
      await settle(api);
      return run;
    }),
  };
  await sides.bare(WARMUP_SECONDS);
  await sides.full(WARMUP_SECONDS);
  const [bareRun, fullRun] = await interleaved(sides.bare, sides.full);
  mark('GETs');

  const bodies = Array.from({ length: 64 }, () => JSON.stringify({ ids: Array.from({ length: BATCH_IDS }, () => pool[randomInt(pool.length)]!) }));
  const nextBody = cycler(bodies);
  const batchRun = await withCpu(api.process.pid!, () => cannon({
    // A batch answers in well under a second on a quiet machine; the default 10 s timeout of
    // autocannon would count a slow one on a loaded machine as an error rather than as its time.
    url: api.url, connections: BATCH_CONNECTIONS, duration: SECONDS, timeout: 60, headers: { ...auth, 'content-type': 'application/json' },
    requests: [{ method: 'POST', path: `/v1/resources/${resourceId}/records/batch-get`, setupRequest: (req) => ({ ...req, body: nextBody() }) }],
  }));
  await settle(api);
  mark('batch-get');

  // Each verification names another subject (the limit per subject and day is 20).
  let n = randomInt(RECORDS);
  const verifyRun = await cannon({
    url: api.url, connections: CONNECTIONS, duration: SECONDS, headers: { ...auth, 'content-type': 'application/json' },
    requests: [{
      method: 'POST', path: `/v1/resources/${resourceId}/records/verify`,
      setupRequest: (req) => {
        const i = n++ % RECORDS;
        const id = syntheticCitizenId(i);
        // One claim that matches (the name) and one that does not (a birth date a day off).
        const claims = { name: `测试人员${i}`, birth_date: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14) === '01' ? '02' : '01'}` };
        return { ...req, body: JSON.stringify({ id, claims }) };
      },
    }],
  });
  mark('verify');
  return { bareRun, fullRun, batchRun, verifyRun, sides };
}

async function bulkLoad(api: Child, resourceId: string, loaderKey: string) {
  const chunks = syntheticPersonsNdjson(RECORDS);
  const bytes = chunks.reduce((s, c) => s + c.length, 0);
  console.log(`bulk load: ${RECORDS.toLocaleString('en')} records, ${(bytes / 2 ** 20).toFixed(0)} MiB of NDJSON, one request …`);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  const started = performance.now();
  const res = await fetch(`${api.url}/v1/resources/${resourceId}/records/bulk`, {
    method: 'POST', body, duplex: 'half',
    headers: { authorization: `Bearer ${loaderKey}`, 'content-type': 'application/x-ndjson', 'idempotency-key': `bench-${randomUUID()}` },
  } as RequestInit);
  const reply = await res.json() as { received: number; inserted: number; updated: number; unchanged: number; rejected: number };
  const seconds = (performance.now() - started) / 1000;
  if (res.status !== 200) throw new Error(`bulk load answered ${res.status}: ${JSON.stringify(reply)}`);
  const validated = reply.received - reply.rejected;
  return { seconds, validated, rejected: reply.rejected, recordsPerSecond: validated / seconds };
}

export async function benchExchange(): Promise<boolean> {
  const logger = pino({ level: 'warn' });
  const cleanups: (() => Promise<unknown>)[] = [];
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'sharehub-bench-exchange-'));
  await fsp.chmod(tmp, 0o711);
  let keepTmp = false;
  try {
    const database = await openBenchDatabase({ pool: 2, dataDir: path.join(tmp, 'postgres') });
    cleanups.push(database.close);
    const { url: databaseUrl, db } = database;
    let redisUrl = process.env.REDIS_URL;
    if (!redisUrl) {
      const redis = await startLocalRedis({ dataDir: path.join(tmp, 'redis'), logger });
      cleanups.push(() => redis.stop());
      redisUrl = redis.url;
      console.log('local redis-server (no REDIS_URL)');
    }
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      SHAREHUB_SECRET_KEY: randomBytes(32).toString('hex'),
      QUEUE_PREFIX: `bench${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: process.env.BENCH_API_LOG_LEVEL ?? 'info',
      SHAREHUB_DATA_DIR: path.join(tmp, 'data'),
    };
    const config = { ...loadConfig(env), DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, SHAREHUB_SECRET_KEY: env.SHAREHUB_SECRET_KEY! } as RuntimeConfig;
    const { resourceId, loaderKey, readerKey } = await setUp(db, config);
    const { rows: [pgInfo] } = await db.raw(`select current_setting('server_version') as version, current_setting('shared_buffers') as buffers`);
    console.log(`PostgreSQL ${pgInfo.version} (shared_buffers ${pgInfo.buffers}); ${RECORDS.toLocaleString('en')} records, ${SECONDS} s per run, `
      + `${CONNECTIONS} connections (batch-get ${BATCH_CONNECTIONS}), API log level ${env.LOG_LEVEL}`);

    const nodeOptions = [...deployedNodeOptions(), ...(process.env.BENCH_API_NODE_OPTIONS ?? '').split(' ').filter(Boolean)];
    let entry = ['--import', 'tsx', 'src/cli.ts'];
    if (!process.env.BENCH_API_FROM_SOURCE) {
      console.log('compiling the API (tsc -p tsconfig.build.json → dist/) …');
      await compile();
      entry = ['dist/src/cli.js'];
    }
    console.log(`API: node ${[...nodeOptions, ...entry].join(' ')} api`);
    const api = await startChild('api', [...nodeOptions, ...entry, 'api'], env, tmp, '/readyz');
    cleanups.push(() => stopChild(api));
    const bare = await startChild('bare', ['--import', 'tsx', 'tests/bench/exchange-bare.ts'], { PATH: env.PATH!, DATABASE_URL: databaseUrl }, tmp, '/readyz');
    cleanups.push(() => stopChild(bare));
    const idleMb = memoryOf(api.process.pid!).rssMb;

    // The API's peak RSS after each phase (VmHWM only grows): which phase set the peak.
    const peaks: string[] = [];
    const mark = (phase: string) => peaks.push(`${phase} ${memoryOf(api.process.pid!).peakMb.toFixed(0)} MB`);
    const load = await bulkLoad(api, resourceId, loaderKey);
    mark('load');
    console.log(`  ${load.validated.toLocaleString('en')} validated records in ${load.seconds.toFixed(1)} s (${load.rejected} rejected)`);
    // What autovacuum would do after such a load, before the reads.
    await db.raw('vacuum analyze records');

    const keyring = recordKeyring(deriveKeys(env.SHAREHUB_SECRET_KEY!));
    const { bareRun, fullRun, batchRun, verifyRun, sides } = await measure(api, bare, resourceId, readerKey, keyring, mark);
    const worker = startWorker([...nodeOptions, ...entry, 'worker'], env, tmp);
    cleanups.push(() => stopChild(worker));
    const sealing = await measureWithSealer(db, api, worker, sides);
    await stopChild(worker);
    mark('sealer run');
    const memory = memoryOf(api.process.pid!);

    const row = (label: string, r: Run, unit = 'req/s', scale = 1) =>
      `  ${label.padEnd(22)} ${Math.round(r.rps * scale).toLocaleString('en').padStart(9)} ${unit.padEnd(6)} p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms`
      + `  (${r.requests.toLocaleString('en')} requests${r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''})`;
    console.log(`\n${row('bare PK SELECT route', bareRun)}\n${row('full GET path', fullRun)}\n${row('batch-get (1,000 ids)', batchRun, 'ids/s', BATCH_IDS)}\n${row('verify', verifyRun)}`);
    console.log(`${row('bare, beside that', sealing.bare)}\n${row('full GET, sealer on', sealing.run)}\n  events inside a signed head after p50 ${sealing.sealP50.toFixed(1)} s, at most ${sealing.sealMax.toFixed(1)} s (${sealing.samples} samples, one a second)`);
    const perRequest = (r: Run, per = 1) => (r.cpu ? `${Math.round((r.cpu.server / r.requests / per) * 1e6)} µs + PostgreSQL ${Math.round((r.cpu.postgres / r.requests / per) * 1e6)} µs` : 'n/a');
    console.log(`  CPU per request: full GET ${perRequest(fullRun)} (API); bare ${perRequest(bareRun)} (bare route); batch-get per id ${perRequest(batchRun, BATCH_IDS)} (API)`);
    console.log(`  API process RSS: idle ${idleMb.toFixed(0)} MB, now ${memory.rssMb.toFixed(0)} MB, peak ${memory.peakMb.toFixed(0)} MB (peak after: ${peaks.join(', ')})`);

    const clean = (r: Run) => r.errors === 0 && r.non2xx === 0;
    const ratio = fullRun.rps / bareRun.rps;
    const sealedRatio = sealing.run.rps / sealing.bare.rps;
    const goals: { what: string; figure: string; goal: string; met: boolean }[] = [
      { what: 'bulk load', figure: `${Math.round(load.recordsPerSecond).toLocaleString('en')} records/s`, goal: `≥ ${EXCHANGE_GOALS.loadRecordsPerSecond.toLocaleString('en')}`, met: load.rejected === 0 && load.recordsPerSecond >= EXCHANGE_GOALS.loadRecordsPerSecond },
      { what: 'full / bare', figure: `${ratio.toFixed(2)}`, goal: `≥ ${EXCHANGE_GOALS.fullOverBare}`, met: clean(fullRun) && clean(bareRun) && ratio >= EXCHANGE_GOALS.fullOverBare },
      { what: 'full path p99', figure: `${fullRun.p99} ms`, goal: `≤ ${EXCHANGE_GOALS.fullP99Ms} ms`, met: fullRun.p99 <= EXCHANGE_GOALS.fullP99Ms },
      { what: 'full / bare, sealer on', figure: `${sealedRatio.toFixed(2)}`, goal: `≥ ${EXCHANGE_GOALS.fullOverBare}`, met: clean(sealing.run) && clean(sealing.bare) && sealedRatio >= EXCHANGE_GOALS.fullOverBare },
      { what: 'into a signed head', figure: `≤ ${sealing.sealMax.toFixed(1)} s`, goal: `≤ ${EXCHANGE_GOALS.sealSeconds} s`, met: sealing.sealMax <= EXCHANGE_GOALS.sealSeconds },
      { what: 'batch-get', figure: `${Math.round(batchRun.rps * BATCH_IDS).toLocaleString('en')} ids/s`, goal: `≥ ${EXCHANGE_GOALS.batchIdsPerSecond.toLocaleString('en')}`, met: clean(batchRun) && batchRun.rps * BATCH_IDS >= EXCHANGE_GOALS.batchIdsPerSecond },
      { what: 'verify', figure: `${Math.round(verifyRun.rps).toLocaleString('en')} req/s`, goal: 'no errors', met: clean(verifyRun) },
      { what: 'API peak RSS', figure: `${memory.peakMb.toFixed(0)} MB`, goal: `≤ ${EXCHANGE_GOALS.peakRssMb} MB`, met: memory.peakMb <= EXCHANGE_GOALS.peakRssMb },
    ];
    console.log('\n  figure                 measured              goal          ');
    for (const g of goals) console.log(`  ${g.what.padEnd(22)} ${g.figure.padEnd(21)} ${g.goal.padEnd(13)} ${g.met ? 'met' : 'MISSED'}`);
    const met = goals.every((g) => g.met);
    if (!met) {
      keepTmp = true;
      console.log(`\n  API log: ${api.logFile}`);
    }
    return met;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: Error) => console.error(`cleanup: ${err.message}`));
    // The API's log is kept when a goal is missed (it says what was refused); the data never is.
    if (keepTmp) await fsp.rm(path.join(tmp, 'postgres'), { recursive: true, force: true }).catch(() => {});
    else await fsp.rm(tmp, { recursive: true, force: true });
  }
}
