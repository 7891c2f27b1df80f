// Catalog search benchmark (issues 3 and 7): loads BENCH_RESOURCES resources (default 100,000)
// into a fresh database, runs BENCH_QUERIES searches (default 400) through searchResources — the
// function GET /v1/resources calls, facets and total included — and prints latency
// percentiles. Goal: p95 under 50 ms; `npm run bench` exits 1 when it is missed.
//
// A figure in milliseconds says as much about the machine as about the search, and the machines
// it runs on are often shared. So each search is followed by a baseline query on the same
// database, timed the same way (a count over a fixed table of BASELINE_ROWS narrow rows: plain
// row-at-a-time work, like the search's), and the bench prints the search/baseline ratio: a
// slower or busier machine slows both, the ratio moves only when the search does.
//
// Uses DATABASE_URL when set (a database is created there and dropped afterwards, unless
// BENCH_KEEP_DATABASE is set), otherwise an embedded PostgreSQL in a temporary directory.
import type { Db } from '../../src/db.js';
import { openBenchDatabase } from './bench-database.js';
import { usccWithCheck } from '../../src/lib/identifiers.js';
import { PACKED_FACETS, searchResources, type SearchQuery } from '../../src/modules/catalog/catalog-search.js';
import type { Principal } from '../../src/modules/identity/principal.js';

const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 400);
const DEPARTMENTS = 200;
const WARMUP_QUERIES = 40;
const GOAL_P95_MS = 50;
const BASELINE_ROWS = 20_000;
const BASELINE_QUERY = 'select count(*) from bench_baseline where n % 7 <> 0';

// Vocabulary of a provincial catalog: region × subject × suffix names, so that a subject like
// 婚姻 matches about one resource in sixty by name, plus those holding a matching data item.
const REGIONS = ['浙江省', '杭州市', '宁波市', '温州市', '嘉兴市', '湖州市', '绍兴市', '金华市', '衢州市', '舟山市', '台州市', '丽水市',
  '上城区', '拱墅区', '西湖区', '滨江区', '萧山区', '余杭区', '临平区', '钱塘区', '富阳区', '临安区', '桐庐县', '淳安县', '建德市',
  '海曙区', '江北区', '北仑区', '镇海区', '鄞州区', '奉化区', '余姚市', '慈溪市', '象山县', '宁海县', '鹿城区', '龙湾区', '瓯海区',
  '洞头区', '瑞安市', '乐清市', '龙港市', '永嘉县', '平阳县', '苍南县', '文成县', '泰顺县', '南湖区', '秀洲区', '海宁市', '平湖市',
  '桐乡市', '嘉善县', '海盐县', '吴兴区', '南浔区', '德清县', '长兴县', '安吉县', '越城区', '柯桥区', '上虞区', '诸暨市', '嵊州市'];
const SUBJECTS = ['人口', '户籍', '婚姻', '收养', '殡葬', '社保', '医保', '养老', '失业', '工伤', '就业', '公积金', '不动产', '土地',
  '房屋', '林权', '海域', '矿产', '企业', '个体工商户', '合作社', '社会组织', '事业单位', '营业执照', '食品经营许可', '药品', '医疗器械',
  '特种设备', '建筑业资质', '施工许可', '学历', '学位', '学籍', '教师资格', '出生医学证明', '疫苗接种', '健康档案', '残疾人', '低保',
  '特困供养', '优抚对象', '退役军人', '驾驶证', '行驶证', '机动车', '出入境', '护照', '税务登记', '纳税信用', '环评', '排污许可',
  '取水许可', '气象灾害', '交通违法', '道路运输', '科技企业', '专利', '商标', '法律援助', '公证'];
const SUFFIXES = ['信息', '登记信息', '基础信息', '许可信息', '电子证照', '名录', '备案信息', '核验', '统计数据', '台账', '变更记录',
  '注销信息', '年报信息', '缴费信息', '补贴发放信息'];
const PURPOSES = ['政务服务一网通办', '跨部门业务协同', '监管执法', '信用评价', '社会救助认定', '人才认定', '户籍办理', '不动产交易',
  '公积金提取', '入学资格审核', '就业补贴审核', '统计分析'];
const ITEM_NAMES = ['姓名', '公民身份号码', '性别', '民族', '出生日期', '联系电话', '户籍地址', '居住地址', '登记日期', '登记机关',
  '证书编号', '有效期起', '有效期止', '单位名称', '统一社会信用代码', '法定代表人', '注册资本', '成立日期', '经营范围', '住所', '状态',
  '变更日期', '变更事项', '注销日期', '注销原因', '缴费基数', '缴费月数', '账户状态', '补贴金额', '发放日期', '婚姻状况', '配偶姓名',
  '学历层次', '毕业院校', '专业', '许可证编号', '许可范围', '发证机关', '坐落', '面积', '权利类型', '抵押状态', '查封状态', '车牌号码',
  '车辆类型', '准驾车型', '记分', '违法行为', '处罚决定书编号', '处罚金额', '纳税人识别号', '信用等级', '年报年度', '从业人数'];

const sqlArray = (values: readonly (string | number)[]) => `array[${values.map((v) => `'${v}'`).join(',')}]::text[]`;

/** encodeFacets() in SQL, from the same value lists, for rows generated in the database. */
function facetCodeSql(columns: Record<(typeof PACKED_FACETS)[number][0], string>): string {
  let expr = '0';
  for (const [facet, domain] of [...PACKED_FACETS].reverse()) {
    expr = `(${expr}) * ${domain.length} + (array_position(${sqlArray(domain)}, (${columns[facet]})::text) - 1)`;
  }
  return expr;
}

interface Stats { p50: number; p95: number; p99: number; max: number; n: number }
function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1]!, n: sorted.length };
}

async function load(db: Db, departments: string[]) {
  await db('departments').insert(departments.map((code, i) => ({ code, name: `${REGIONS[i % REGIONS.length]}第${i + 1}委办局`, level: 'city' })));
  await db('departments').insert({ code: usccWithCheck('11330000MB9999999'), name: '政务数据共享平台', level: 'province', is_platform: true });
  // One statement builds every row's attributes; the three catalog tables are filled from it.
  await db.raw(`
    create temporary table bench_seed as
    select i,
      gen_random_uuid() as id,
      (1 + i % 3)::text || lpad((1 + (i / 3) % 12)::text, 2, '0') || lpad((1 + (i / 36) % 30)::text, 3, '0') as category,
      (${sqlArray(departments)})[1 + (i * 7919) % ${departments.length}] as provider,
      (${sqlArray(REGIONS)})[1 + (i * 31) % ${REGIONS.length}] || (${sqlArray(SUBJECTS)})[1 + (i * 17) % ${SUBJECTS.length}]
        || (${sqlArray(SUFFIXES)})[1 + (i * 13) % ${SUFFIXES.length}] as name,
      (${sqlArray(REGIONS)})[1 + (i * 31) % ${REGIONS.length}] || '汇集的' || (${sqlArray(SUBJECTS)})[1 + (i * 17) % ${SUBJECTS.length}]
        || '相关数据，用于' || (${sqlArray(PURPOSES)})[1 + (i * 11) % ${PURPOSES.length}] || '，按' || (${sqlArray(PURPOSES)})[1 + (i * 5) % ${PURPOSES.length}] || '要求更新' as summary,
      (select jsonb_agg(jsonb_build_object('key', 'f' || k, 'name', (${sqlArray(ITEM_NAMES)})[1 + (i * 7 + k * 13) % ${ITEM_NAMES.length}],
         'type', 'C', 'length', 50, 'sensitivity', 'internal', 'mask', 'none') order by k)
       from generate_series(1, 5 + i % 8) as k) as items,
      1 + (i / 7) % 3 as share_type,
      (array['person', 'legal_entity', 'none'])[1 + (i / 5) % 3] as subject_type,
      (array['database', 'spreadsheet', 'electronic_file', 'image', 'self_describing', 'streaming_media'])[1 + (i / 11) % 6] as format,
      (array['interface', 'table', 'file'])[1 + (i / 13) % 3] as share_method,
      i % 20 <> 0 as published,
      i % 10 = 0 as open_to_public
    from generate_series(1, ${RESOURCES}) as i
  `);
  await db.raw(`
    insert into resources (id, code, provider_code, status, published_version, latest_version)
    select id, category || '/' || lpad(i::text, 6, '0'), provider, case when published then 'published' else 'draft' end,
      case when published then 1 end, 1
    from bench_seed
  `);
  await db.raw(`
    insert into resource_versions (resource_id, version, status, name, category_code, summary, format, data_items, share_type,
      share_conditions, legal_basis, share_method, open_to_public, update_cycle, subject_type, subject_key, control_params, delivery, contact, published_at)
    select id, 1, case when published then 'published' else 'draft' end, name, category, summary, format, items, share_type,
      case when share_type = 2 then '按需共享' end, case when share_type > 1 then '《浙江省公共数据条例》' end, share_method, open_to_public,
      'daily', subject_type, case when subject_type <> 'none' then 'f1' end, '[]', '{"mode":"hosted"}', '{"name":"联系人","phone":"0571-88888888"}',
      case when published then now() end
    from bench_seed
  `);
  // search_text as searchTextOf() builds it; the generated text is already in normal form.
  await db.raw(`
    insert into resource_search (resource_id, code, provider_code, category_code, status, latest_status, published, version, share_type,
      subject_type, format, share_method, open_to_public, category_prefix, facet_code, search_text)
    select id, category || '/' || lpad(i::text, 6, '0'), provider, category, case when published then 'published' else 'draft' end,
      case when published then 'published' else 'draft' end, published, 1, share_type, subject_type, format, share_method, open_to_public,
      left(category, 3)::smallint,
      ${facetCodeSql({ shareType: 'share_type', subjectType: 'subject_type', format: 'format', shareMethod: 'share_method', status: "case when published then 'published' else 'draft' end" })},
      name || E'\\n' || summary || E'\\n' || (select string_agg(e->>'name', E'\\n' order by ord) from jsonb_array_elements(items) with ordinality as t(e, ord))
    from bench_seed
  `);
  await db.raw("drop table bench_seed");
  await db.raw(`create table bench_baseline as select n, n % 200 as k from generate_series(1, ${BASELINE_ROWS}) as n`);
  await db.raw('vacuum analyze resources, resource_versions, resource_search, bench_baseline');
}

type Case = { label: string; query: Omit<SearchQuery, 'limit' | 'offset'> };

function workload(departments: string[], n: number): Case[] {
  const pick = <T>(xs: T[], i: number) => xs[i % xs.length]!;
  const shapes: ((i: number) => Case)[] = [
    (i) => ({ label: '2-char term', query: { q: pick(['婚姻', '社保', '学历', '户籍', '企业', '专利', '低保', '护照'], i) } }),
    (i) => ({ label: 'longer term', query: { q: pick(['不动产登记', '营业执照', '公民身份号码', '出生医学证明', '食品经营许可', '纳税信用'], i) } }),
    // A region and subject that some generated name holds (the seed formula of row j).
    (i) => {
      const j = 1 + ((i * 997) % RESOURCES);
      return { label: 'region + subject', query: { q: `${REGIONS[(j * 31) % REGIONS.length]}${SUBJECTS[(j * 17) % SUBJECTS.length]}` } };
    },
    (i) => ({ label: 'two terms', query: { q: `${pick(REGIONS, i * 5)} ${pick(SUBJECTS, i * 11)}` } }),
    (i) => ({ label: 'term + filters', query: { q: pick(SUBJECTS, i * 13), shareType: 1 + (i % 3), status: 'published' } }),
    (i) => ({ label: 'filters only', query: pick<Case['query']>([
      { provider: pick(departments, i) },
      { category: `${1 + (i % 3)}0${1 + (i % 9)}` },
      { shareType: 2, subjectType: 'person' },
      { format: 'electronic_file', status: 'published' },
      { status: 'published' },
      {},
    ], i) }),
    (i) => ({ label: 'no match', query: { q: pick(['量子纠缠', '火星基地', '深海采矿'], i) } }),
  ];
  return Array.from({ length: n }, (_, i) => shapes[i % shapes.length]!(Math.floor(i / shapes.length)));
}

async function run(db: Db) {
  const departments = Array.from({ length: DEPARTMENTS }, (_, i) => usccWithCheck(`11330100MB${String(i).padStart(7, '0')}`));
  console.log(`loading ${RESOURCES.toLocaleString('en')} resources from ${DEPARTMENTS} departments …`);
  const t0 = performance.now();
  await load(db, departments);
  console.log(`loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // A department operator: the visibility rule (published, or our own drafts) is part of every query.
  const viewer: Principal = { kind: 'user', role: 'dept_operator', userId: '00000000-0000-4000-8000-000000000000', username: 'bench', departmentCode: departments[0]! };
  const admin: Principal = { ...viewer, role: 'platform_admin' };
  const cases = workload(departments, QUERIES);
  for (const c of workload(departments, WARMUP_QUERIES)) await searchResources({ db, actor: viewer, now: new Date() }, { ...c.query, limit: 20, offset: 0 });

  const byLabel = new Map<string, number[]>();
  const all: number[] = [];
  const baseline: number[] = [];
  const totals = new Map<string, number[]>();
  for (const [i, c] of cases.entries()) {
    let started = performance.now();
    const result = await searchResources({ db, actor: i % 4 === 3 ? admin : viewer, now: new Date() }, { ...c.query, limit: 20, offset: i % 5 === 4 ? 40 : 0 });
    const ms = performance.now() - started;
    all.push(ms);
    (byLabel.get(c.label) ?? byLabel.set(c.label, []).get(c.label)!).push(ms);
    (totals.get(c.label) ?? totals.set(c.label, []).get(c.label)!).push(result.total);
    // Right after each search, under the same load.
    started = performance.now();
    await db.raw(BASELINE_QUERY);
    baseline.push(performance.now() - started);
  }

  const fmt = (s: Stats) => `p50 ${s.p50.toFixed(1).padStart(6)}  p95 ${s.p95.toFixed(1).padStart(6)}  p99 ${s.p99.toFixed(1).padStart(6)}  max ${s.max.toFixed(1).padStart(6)} ms`;
  console.log(`\n${QUERIES} searches (page of 20 + total + 7 facets each), sequential, after ${WARMUP_QUERIES} warm-up searches:`);
  for (const [label, samples] of byLabel) {
    const t = stats(totals.get(label)!);
    console.log(`  ${label.padEnd(17)} n=${String(samples.length).padStart(3)}  ${fmt(stats(samples))}   matches p50 ${t.p50}, max ${t.max}`);
  }
  const overall = stats(all);
  console.log(`  ${'all'.padEnd(17)} n=${String(overall.n).padStart(3)}  ${fmt(overall)}`);
  const base = stats(baseline);
  console.log(`  ${'baseline'.padEnd(17)} n=${String(base.n).padStart(3)}  ${fmt(base)}   (${BASELINE_QUERY}, ${BASELINE_ROWS.toLocaleString('en')} rows, after each search)`);
  console.log(`  search/baseline: p50 ${(overall.p50 / base.p50).toFixed(1)}×, p95 ${(overall.p95 / base.p95).toFixed(1)}×`);
  const met = overall.p95 < GOAL_P95_MS;
  console.log(`\ngoal p95 < ${GOAL_P95_MS} ms: ${met ? 'met' : 'MISSED'} (p95 ${overall.p95.toFixed(1)} ms)`);
  return met;
}

export async function benchCatalogSearch(): Promise<boolean> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const { db, close } = await openBenchDatabase();
    cleanups.push(close);
    const { rows: [settings] } = await db.raw(`select current_setting('server_version') as version, current_setting('shared_buffers') as buffers,
      current_setting('work_mem') as work_mem, current_setting('max_parallel_workers_per_gather') as workers`);
    console.log(`PostgreSQL ${settings.version} (shared_buffers ${settings.buffers}, work_mem ${settings.work_mem}, `
      + `max_parallel_workers_per_gather ${settings.workers})`);
    return await run(db);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}
