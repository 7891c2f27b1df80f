import type { FromSchema } from 'json-schema-to-ts';
import type { departmentFiguresSchema, stepFiguresSchema } from '../../../schemas/supervision.js';
import { readsEverything, type Principal } from '../identity/principal.js';
import { openCards } from '../applications/applications-repository.js';
import { platformDepartmentCode } from '../departments/departments-service.js';
import { loadCalendar } from '../calendar/calendar-service.js';
import { csvCell } from '../catalog/catalog-export.js';
import type { Context } from '../context.js';
import { objectionStepRows, openObjectionsBySla } from '../exchange/supervision-reads.js';
import type { Period } from './period.js';

// 效能监督 per department: for each step of the workflow it is responsible for — the platform's
// review (规范性审查), provision (Route A) and coordination (协调), the provider's decision (Route
// B) — how many steps it received and decided in the period, how many in time, how many working
// days they took (mean, 90th percentile), the yellow warnings and red cards raised in the period,
// and those open now. Read from the application trace (application_timeline), which records
// every step's opening and closing with its deadline, and counted on the working-day calendar.
// 纠错 objections are a step of the providing department too: received when raised, decided when
// corrected or rejected (on time by their OBJECTION_WORKING_DAYS deadline), their cards by when
// the sweep raised them — read from the objections themselves (exchange/supervision-reads.ts).

export const FIGURE_STEPS = ['review', 'provision', 'provider_decision', 'coordination', 'objection'] as const;
type FigureStep = (typeof FIGURE_STEPS)[number];
type WorkflowStep = Exclude<FigureStep, 'objection'>;
const WORKFLOW_STEPS: readonly WorkflowStep[] = ['review', 'provision', 'provider_decision', 'coordination'];

/** The status that opens each step. */
const OPENED_BY: Record<string, WorkflowStep> = {
  pending_review: 'review', provisioning: 'provision', pending_provider: 'provider_decision', in_coordination: 'coordination',
};

export type StepFigures = FromSchema<typeof stepFiguresSchema>;
export type DepartmentFigures = FromSchema<typeof departmentFiguresSchema, { references: [typeof stepFiguresSchema] }>;

interface Tally {
  received: number;
  durations: number[];
  onTime: number;
  warnings: number;
  redCards: number;
  openWarnings: number;
  openRedCards: number;
}

const emptyTally = (): Tally => ({ received: 0, durations: [], onTime: 0, warnings: 0, redCards: 0, openWarnings: 0, openRedCards: 0 });

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile: the smallest value with at least p of the values at or below it. */
function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.ceil(p * sorted.length) - 1]!;
}

function figures(step: string, t: Tally): StepFigures {
  const decided = t.durations.length;
  const sorted = [...t.durations].sort((a, b) => a - b);
  return {
    step,
    received: t.received,
    decided,
    onTime: t.onTime,
    onTimeRate: decided ? round(t.onTime / decided, 4) : null,
    meanWorkingDays: decided ? round(sorted.reduce((a, b) => a + b, 0) / decided, 1) : null,
    p90WorkingDays: percentile(sorted, 0.9),
    warnings: t.warnings,
    redCards: t.redCards,
    openWarnings: t.openWarnings,
    openRedCards: t.openRedCards,
  };
}

function merge(tallies: Tally[]): Tally {
  const all = emptyTally();
  for (const t of tallies) {
    all.received += t.received;
    all.durations.push(...t.durations);
    all.onTime += t.onTime;
    all.warnings += t.warnings;
    all.redCards += t.redCards;
    all.openWarnings += t.openWarnings;
    all.openRedCards += t.openRedCards;
  }
  return all;
}

export async function departmentFigures(ctx: Context<Principal>, period: Period): Promise<DepartmentFigures[]> {
  const { db } = ctx;
  const [calendar, platform] = await Promise.all([loadCalendar(db), platformDepartmentCode(db)]);
  const responsible = (step: FigureStep, providerCode: string) => (step === 'provider_decision' ? providerCode : platform);
  const tallies = new Map<string, Map<FigureStep, Tally>>();
  const tally = (dept: string, step: FigureStep) => {
    let byStep = tallies.get(dept);
    if (!byStep) tallies.set(dept, (byStep = new Map()));
    let t = byStep.get(step);
    if (!t) byStep.set(step, (t = emptyTally()));
    return t;
  };

  // Steps opened in the period: the entries whose new status opens one.
  const opened: { to_status: string; provider_code: string }[] = await db('application_timeline as t')
    .join('applications as a', 'a.id', 't.application_id')
    .whereIn('t.to_status', Object.keys(OPENED_BY))
    .where('t.at', '>=', period.from).where('t.at', '<', period.to)
    .select('t.to_status', 'a.provider_code');
  for (const o of opened) {
    const step = OPENED_BY[o.to_status]!;
    tally(responsible(step, o.provider_code), step).received++;
  }

  // Steps decided in the period: transitions out of a step (a withdrawal is not a decision),
  // with the transition that opened the step, for the working days between them.
  const decided: { step: WorkflowStep; at: Date; deadline_met: boolean | null; provider_code: string; opened_at: Date }[] = await db('application_timeline as t')
    .join('applications as a', 'a.id', 't.application_id')
    .whereIn('t.step', WORKFLOW_STEPS)
    .whereNotNull('t.from_status')
    .whereNot('t.action', 'withdraw')
    .where('t.at', '>=', period.from).where('t.at', '<', period.to)
    .select('t.step', 't.at', 't.deadline_met', 'a.provider_code',
      db.raw(`(select p.at from application_timeline p
                where p.application_id = t.application_id and p.id < t.id and p.to_status is not null
                order by p.id desc limit 1) as opened_at`));
  for (const d of decided) {
    const t = tally(responsible(d.step, d.provider_code), d.step);
    t.durations.push(calendar.countWorkingDays(d.opened_at, d.at));
    if (d.deadline_met) t.onTime++;
  }

  // Yellow warnings and red cards raised in the period, to the department responsible then.
  const cards: { action: 'warn' | 'supervise'; step: WorkflowStep; department: string | null }[] = await db('application_timeline')
    .whereIn('action', ['warn', 'supervise'])
    .whereIn('step', WORKFLOW_STEPS)
    .where('at', '>=', period.from).where('at', '<', period.to)
    .select('action', 'step', db.raw(`details->>'responsibleDepartment' as department`));
  for (const c of cards) {
    if (!c.department) continue;
    const t = tally(c.department, c.step);
    if (c.action === 'warn') t.warnings++;
    else t.redCards++;
  }

  // 纠错 objections, to the providing department: raised, decided, and their cards, in the period.
  const objections = await objectionStepRows(db, period);
  for (const r of objections.received) tally(r.provider_code, 'objection').received += r.n;
  for (const d of objections.decided) {
    const t = tally(d.provider_code, 'objection');
    t.durations.push(calendar.countWorkingDays(d.created_at, d.decided_at));
    if (d.decided_at.getTime() <= d.due_at.getTime()) t.onTime++;
  }
  for (const c of objections.cards) {
    const t = tally(c.provider_code, 'objection');
    t.warnings += c.warnings;
    t.redCards += c.red_cards;
  }

  // The colours open now, whatever the period.
  for (const c of await openCards(db)) {
    if (!(WORKFLOW_STEPS as readonly string[]).includes(c.step)) continue;
    const t = tally(c.responsible_code, c.step as WorkflowStep);
    if (c.sla === 'warning') t.openWarnings += c.count;
    else t.openRedCards += c.count;
  }
  for (const c of await openObjectionsBySla(db)) {
    if (c.sla === 'on_time') continue;
    const t = tally(c.provider_code, 'objection');
    if (c.sla === 'warning') t.openWarnings += c.count;
    else t.openRedCards += c.count;
  }

  // 督办 cases against each department: opened in the period, and open now.
  const cases: { responsible_code: string; opened: number; open: number }[] = await db('supervision_cases')
    .groupBy('responsible_code')
    .select('responsible_code',
      db.raw('(count(*) filter (where opened_at >= ? and opened_at < ?))::int as opened', [period.from, period.to]),
      db.raw('(count(*) filter (where closed_at is null))::int as open'));
  const casesOf = new Map(cases.map((c) => [c.responsible_code, c]));
  for (const c of cases) if ((c.opened || c.open) && !tallies.has(c.responsible_code)) tallies.set(c.responsible_code, new Map());

  const viewer = ctx.actor;
  if (!readsEverything(viewer) && !tallies.has(viewer.departmentCode)) tallies.set(viewer.departmentCode, new Map());
  const names = new Map((await db('departments').whereIn('code', [...tallies.keys()]).select('code', 'name') as { code: string; name: string }[])
    .map((d) => [d.code, d.name]));

  const rows = [...tallies.entries()].map(([code, byStep]) => ({
    departmentCode: code,
    departmentName: names.get(code) ?? code,
    rank: null as number | null,
    casesOpened: casesOf.get(code)?.opened ?? 0,
    casesOpen: casesOf.get(code)?.open ?? 0,
    totals: figures('all', merge([...byStep.values()])),
    steps: FIGURE_STEPS.filter((s) => byStep.has(s)).map((s) => figures(s, byStep.get(s)!)),
  }));
  // Ranking: departments that decided anything, by on-time rate, then by mean working days
  // (fewer first), then by how many they decided; equal figures share a rank.
  const ranked = rows.filter((r) => r.totals.decided > 0).sort((a, b) =>
    (b.totals.onTimeRate! - a.totals.onTimeRate!) || (a.totals.meanWorkingDays! - b.totals.meanWorkingDays!) || (b.totals.decided - a.totals.decided));
  ranked.forEach((r, i) => {
    const prev = ranked[i - 1];
    const same = prev && prev.totals.onTimeRate === r.totals.onTimeRate && prev.totals.meanWorkingDays === r.totals.meanWorkingDays && prev.totals.decided === r.totals.decided;
    r.rank = same ? prev.rank : i + 1;
  });
  const visible = readsEverything(viewer) ? rows : rows.filter((r) => r.departmentCode === viewer.departmentCode);
  return visible.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.departmentCode.localeCompare(b.departmentCode));
}

const CSV_COLUMNS = ['period_from', 'period_to', 'department_code', 'department_name', 'rank', 'cases_opened', 'cases_open', 'step', 'received', 'decided', 'on_time', 'on_time_rate',
  'mean_working_days', 'p90_working_days', 'warnings', 'red_cards', 'open_warnings', 'open_red_cards'] as const;

/** The figures as CSV (UTF-8 with BOM, CRLF, as the catalog export): one line per department and step, and its totals ('all'). */
export function departmentFiguresCsv(period: Period, rows: DepartmentFigures[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    for (const f of [...r.steps, r.totals]) {
      lines.push([period.fromDay, period.toDay, r.departmentCode, r.departmentName, r.rank, r.casesOpened, r.casesOpen, f.step, f.received, f.decided, f.onTime, f.onTimeRate,
        f.meanWorkingDays, f.p90WorkingDays, f.warnings, f.redCards, f.openWarnings, f.openRedCards].map(csvCell).join(','));
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
