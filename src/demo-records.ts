// Synthetic hosted records for the embedded demo hub: the demo catalog's 人口基础信息 (public
// security) and 法人基础信息 (market regulation) get fictitious people and companies on the first
// start, loaded through the bulk service path as a demo loading system of each provider. Names
// are obviously fictitious (示例甲一 …); ids carry valid GB 11643 / GB 32100 check characters;
// everything is deterministic from a seed, so every demo hub holds the same records.
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { RuntimeConfig } from './config.js';
import type { Db } from './db.js';
import { citizenIdWithCheck, usccWithCheck } from './lib/identifiers.js';
import type { Principal } from './modules/identity/principal.js';
import { bulkLoad, recordKeyringOf } from './modules/exchange/records-load-service.js';
import { createSystem } from './modules/systems/systems-service.js';
import { seededRandom } from './lib/seeded-random.js';

export const DEMO_PERSON_RESOURCE = '101001/00001';
export const DEMO_COMPANY_RESOURCE = '102001/00001';
/** The system of each provider department the demo records are loaded as. */
export const DEMO_LOADER_NAME = '演示数据装载系统';

// The demo data must be the same on every machine: seeded (seededRandom), never random.
const STEMS = '甲乙丙丁戊己庚辛壬癸';
const DIGITS = '零一二三四五六七八九';

/** 1 → 一, 10 → 十, 23 → 二十三, 105 → 一百零五 (up to 9999). */
function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n]!;
  if (n < 20) return `十${n % 10 ? DIGITS[n % 10] : ''}`;
  if (n < 100) return `${DIGITS[Math.floor(n / 10)]}十${n % 10 ? DIGITS[n % 10] : ''}`;
  if (n < 1000) {
    const rest = n % 100;
    return `${DIGITS[Math.floor(n / 100)]}百${rest === 0 ? '' : rest < 10 ? `零${DIGITS[rest]}` : rest < 20 ? `一${chineseNumber(rest)}` : chineseNumber(rest)}`;
  }
  const rest = n % 1000;
  return `${DIGITS[Math.floor(n / 1000)]}千${rest === 0 ? '' : rest < 100 ? `零${chineseNumber(rest)}` : chineseNumber(rest)}`;
}

/** 示例甲一, 示例乙一, … 示例癸一, 示例甲二, …: plainly not a real name. */
export const demoName = (i: number) => `示例${STEMS[i % 10]}${chineseNumber(Math.floor(i / 10) + 1)}`;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const ETHNICITIES = ['汉族', '汉族', '汉族', '汉族', '汉族', '回族', '满族', '畲族', '土家族', '苗族'];
const REGIONS = ['330102', '330105', '330106', '330108', '330110', '330205', '330302', '330402'];

/** `n` fictitious people (人口基础信息 items), born 1940–2005, all ids distinct. */
export function demoPeople(n: number, seed = 20261129): Record<string, string>[] {
  const random = seededRandom(seed);
  const people: Record<string, string>[] = [];
  for (let i = 0; i < n; i++) {
    const year = 1940 + Math.floor(random() * 66);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const region = REGIONS[i % REGIONS.length]!;
    // The sequence (3 digits, odd for men) is the index, so ids never collide within one region and day.
    const male = random() < 0.5;
    const seq = (Math.floor(i / REGIONS.length) % 500) * 2 + (male ? 1 : 0);
    const idNumber = citizenIdWithCheck(`${region}${year}${pad(month, 2)}${pad(day, 2)}${pad(seq, 3)}`);
    people.push({
      idNumber,
      fullName: demoName(i),
      gender: male ? '男' : '女',
      ethnicity: ETHNICITIES[Math.floor(random() * ETHNICITIES.length)]!,
      birthDate: `${year}-${pad(month, 2)}-${pad(day, 2)}`,
      domicileAddress: `浙江省示例市示例区示例路${i + 1}号`,
      householdNo: `H${pad(100_000 + i, 9)}`,
    });
  }
  return people;
}

const ENTITY_TYPES = ['有限责任公司', '股份有限公司', '个人独资企业', '合伙企业'];
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** `n` fictitious companies (法人基础信息 items), registered 1995–2025. */
export function demoCompanies(n: number, seed = 20261129): Record<string, string>[] {
  const random = seededRandom(seed + 1);
  const companies: Record<string, string>[] = [];
  for (let i = 0; i < n; i++) {
    // 9 (工商) 1 (企业), a region, an organisation code whose first characters are the index.
    let org = `MA${pad(i, 4)}`;
    while (org.length < 9) org += CHARSET[Math.floor(random() * CHARSET.length)];
    const uscc = usccWithCheck(`91${REGIONS[i % REGIONS.length]}${org}`);
    const year = 1995 + Math.floor(random() * 31);
    const capital = (1 + Math.floor(random() * 5000)) * 10_000;
    companies.push({
      uscc,
      entityName: `${demoName(i)}示例科技有限公司`,
      entityType: ENTITY_TYPES[Math.floor(random() * ENTITY_TYPES.length)]!,
      legalRepresentative: demoName(i + 5000),
      registeredCapital: `${capital}.00`,
      establishedOn: `${year}-${pad(1 + Math.floor(random() * 12), 2)}-${pad(1 + Math.floor(random() * 28), 2)}`,
      address: `浙江省示例市示例区示例大道${i + 1}号`,
      businessScope: '示例数据，仅用于演示：技术开发、技术咨询。',
    });
  }
  return companies;
}

const ndjson = (rows: Record<string, string>[]) => Readable.from([Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n') + '\n')]);

/**
 * The system of `departmentCode` demo records are loaded as: found by name, or created (its API
 * key is discarded: a department admin issues one if the demo needs it).
 */
async function demoLoader(db: Db, departmentCode: string, now: Date): Promise<string> {
  const row: { id: string } | undefined = await db('systems').where({ department_code: departmentCode, name: DEMO_LOADER_NAME }).first('id');
  if (row) return row.id;
  // The start-up acts for the department here; the trail records it as the CLI (no user id).
  const actor = { kind: 'cli', departmentCode } as unknown as Principal;
  const created = await createSystem({ db, actor, now }, { name: DEMO_LOADER_NAME, description: '演示数据：首次启动时装载示例人口与法人记录' });
  return created.id;
}

export type DemoRecordCounts = { resource: string; inserted: number; rejected: number };

/**
 * Loads the synthetic records into each demo resource that exists, is hosted and has no record
 * yet (so: on the first start; a hub whose demo records were deleted is not refilled). Never fails
 * the start.
 */
export async function loadDemoRecords(
  db: Db,
  config: RuntimeConfig,
  logger: Logger,
  opts: { persons?: number; companies?: number; now?: Date } = {},
): Promise<DemoRecordCounts[]> {
  const now = opts.now ?? new Date();
  const loaded: DemoRecordCounts[] = [];
  const plan = [
    { code: DEMO_PERSON_RESOURCE, rows: () => demoPeople(opts.persons ?? 1000) },
    { code: DEMO_COMPANY_RESOURCE, rows: () => demoCompanies(opts.companies ?? 200) },
  ];
  for (const { code, rows } of plan) {
    try {
      const r: { id: string; provider_code: string; published_version: number | null } | undefined = await db('resources').where('code', code).first('id', 'provider_code', 'published_version');
      if (!r || r.published_version === null) continue;
      if (await db('records').where('resource_id', r.id).first(db.raw('1'))) continue;
      const systemId = await demoLoader(db, r.provider_code, now);
      const reply = await bulkLoad({ db, actor: { kind: 'cli' }, now }, recordKeyringOf(config), { systemId, departmentCode: r.provider_code }, r.id, ndjson(rows()));
      loaded.push({ resource: code, inserted: reply.inserted, rejected: reply.rejected });
      logger.info({ resource: code, inserted: reply.inserted, rejected: reply.rejected }, 'demo records loaded');
    } catch (err) {
      logger.error({ err, resource: code }, 'demo records could not be loaded');
    }
  }
  return loaded;
}
