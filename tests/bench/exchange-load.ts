// Bulk-load benchmark of hosted records (issue 9, point 6: "bulk loading, validated records/s",
// goal ≥ 20,000): N synthetic person records — valid GB 11643 ids, obviously fictitious names and
// addresses, a highly_sensitive item sealed per record — go through bulkLoadRecords, the function
// behind POST …/records/bulk and `sharehub records load`: NDJSON parsing, validation, HMAC index,
// SM4 sealing and batched INSERT … ON CONFLICT with history, in one transaction.
//
// `loadSyntheticPersons` works on a database the caller prepared (the exchange benchmark loads
// its 1,000,000 records with it and then queries them); `benchExchangeLoad` is a standalone part
// on a fresh database, like the catalog one. Run alone: `npx tsx tests/bench/exchange-load.ts [N]`
// (the database as for the other parts: bench-database.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Db } from '../../src/db.js';
import { openBenchDatabase } from './bench-database.js';
import { deriveKeys } from '../../src/lib/crypto.js';
import { citizenIdWithCheck } from '../../src/lib/identifiers.js';
import type { DataItem } from '../../src/modules/catalog/resource-validation.js';
import { bulkLoadRecords, type BulkLoadReply } from '../../src/modules/exchange/bulk-load.js';
import { recordKeyring, type RecordKeyring } from '../../src/modules/exchange/record-keys.js';
import type { RecordShape } from '../../src/modules/exchange/record-validation.js';

export const GOAL_RECORDS_PER_SECOND = 20_000;

/** The 人口基础信息 shape the synthetic records follow. */
export const BENCH_PERSON_ITEMS: DataItem[] = [
  { key: 'id_number', name: '公民身份号码', type: 'C', length: 18, sensitivity: 'highly_sensitive', mask: 'first:6,last:4' },
  { key: 'name', name: '姓名', type: 'C', length: 50, sensitivity: 'sensitive', mask: 'first:1' },
  { key: 'gender', name: '性别', type: 'C', length: 1, sensitivity: 'internal', mask: 'none' },
  { key: 'birth_date', name: '出生日期', type: 'D', length: 8, sensitivity: 'sensitive', mask: 'none' },
  { key: 'address', name: '户籍地址', type: 'C', length: 200, sensitivity: 'highly_sensitive', mask: 'full' },
  { key: 'registered_at', name: '登记日期', type: 'D', length: 8, sensitivity: 'internal', mask: 'none' },
];
export const BENCH_PERSON_SHAPE: RecordShape = { dataItems: BENCH_PERSON_ITEMS, subjectType: 'person', subjectKey: 'id_number' };

const REGIONS = ['330102', '330105', '330106', '330108', '330109', '330110', '330111', '330112'];
const DAY_MS = 86_400_000;
const FIRST_BIRTH = Date.UTC(1940, 0, 1);

/** The n-th synthetic 公民身份号码: distinct for n < 8,000,000 (region × birth day × sequence). */
export function syntheticCitizenId(n: number): string {
  const region = REGIONS[n % REGIONS.length]!;
  const rest = Math.floor(n / REGIONS.length);
  const seq = String(rest % 1000).padStart(3, '0');
  const birth = new Date(FIRST_BIRTH + Math.floor(rest / 1000) * DAY_MS).toISOString().slice(0, 10);
  return citizenIdWithCheck(`${region}${birth.replaceAll('-', '')}${seq}`);
}

export function syntheticPersonLine(n: number): string {
  const id = syntheticCitizenId(n);
  return JSON.stringify({
    id_number: id,
    name: `测试人员${n}`,
    gender: Number(id[16]) % 2 === 1 ? '1' : '2',
    birth_date: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    address: `虚构省示例市测试区样例路${n % 9999}号`,
    registered_at: '2020-01-01',
  });
}

/** NDJSON of records [from, from + count), in chunks of about a megabyte, generated ahead so the timing is the loader's. */
export function syntheticPersonsNdjson(count: number, from = 0): Buffer[] {
  const chunks: Buffer[] = [];
  const LINES_PER_CHUNK = 5_000;
  for (let start = from; start < from + count; start += LINES_PER_CHUNK) {
    const lines: string[] = [];
    for (let n = start; n < Math.min(start + LINES_PER_CHUNK, from + count); n++) lines.push(syntheticPersonLine(n));
    chunks.push(Buffer.from(`${lines.join('\n')}\n`));
  }
  return chunks;
}

export type LoadFigures = { records: number; seconds: number; recordsPerSecond: number; reply: BulkLoadReply };

/** Loads `count` synthetic persons into a hosted resource the caller created, and times it. */
export async function loadSyntheticPersons(
  db: Db,
  keyring: RecordKeyring,
  target: { resourceId: string; systemId: string; count: number; from?: number; batchSize?: number; onProgress?: (done: number) => void },
): Promise<LoadFigures> {
  const body = syntheticPersonsNdjson(target.count, target.from);
  const started = process.hrtime.bigint();
  const reply = await bulkLoadRecords(db, keyring, {
    resourceId: target.resourceId, resourceVersion: 1, shape: BENCH_PERSON_SHAPE,
    systemId: target.systemId, now: new Date(), body: Readable.from(body),
  }, { batchSize: target.batchSize, onProgress: (p) => target.onProgress?.(p.received) });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const records = reply.inserted + reply.updated + reply.unchanged;
  return { records, seconds, recordsPerSecond: records / seconds, reply };
}

/** A department, a loading system and a hosted resource to load into. */
export async function createBenchTarget(db: Db): Promise<{ resourceId: string; systemId: string }> {
  const departmentCode = '11330000MB0000123X';
  await db('departments').insert({ code: departmentCode, name: '基准测试公安厅', level: 'province' }).onConflict('code').ignore();
  const [system] = await db('systems').insert({ department_code: departmentCode, name: `基准装载系统${randomBytes(3).toString('hex')}` }).returning('id') as { id: string }[];
  const [resource] = await db('resources')
    .insert({ id: randomUUID(), code: `101001/9${randomBytes(3).toString('hex')}`, provider_code: departmentCode, status: 'published', published_version: 1 })
    .returning('id') as { id: string }[];
  return { resourceId: resource!.id, systemId: system!.id };
}

/** Standalone part: a fresh database on DATABASE_URL, BENCH_LOAD_RECORDS records (default 200,000). */
export async function benchExchangeLoad(count = Number(process.env.BENCH_LOAD_RECORDS ?? 200_000)): Promise<boolean> {
  const database = await openBenchDatabase({ pool: 2 });
  const db = database.db;
  try {
    const keyring = recordKeyring(deriveKeys(randomBytes(32).toString('hex')));
    const target = await createBenchTarget(db);
    const first = await loadSyntheticPersons(db, keyring, { ...target, count });
    console.log(`bulk load, new records: ${first.records} in ${first.seconds.toFixed(1)} s = ${Math.round(first.recordsPerSecond)} validated records/s`
      + ` (inserted ${first.reply.inserted}, rejected ${first.reply.rejected})`);
    const again = await loadSyntheticPersons(db, keyring, { ...target, count });
    console.log(`bulk load, same records again: ${Math.round(again.recordsPerSecond)} records/s (unchanged ${again.reply.unchanged})`);
    const ok = first.reply.rejected === 0 && first.recordsPerSecond >= GOAL_RECORDS_PER_SECOND;
    console.log(`goal ≥ ${GOAL_RECORDS_PER_SECOND} validated records/s: ${ok ? 'met' : 'MISSED'}`);
    return ok;
  } finally {
    await database.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ok = await benchExchangeLoad(process.argv[2] ? Number(process.argv[2]) : undefined);
  process.exitCode = ok ? 0 : 1;
}
