import type { Knex } from 'knex';

// DOMAIN.md §5: 国务院办公厅 notices on the 2025 and 2026 holidays. Frozen here as data; later
// years are added through PUT /v1/calendar/{year}.
const DAY_MS = 86_400_000;

function expand(ranges: string[]): string[] {
  const days: string[] = [];
  for (const range of ranges) {
    const [from, to = from] = range.split('/');
    for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += DAY_MS) {
      days.push(new Date(ms).toISOString().slice(0, 10));
    }
  }
  return days;
}

const YEARS = [
  {
    year: 2025,
    holidays: expand(['2025-01-01', '2025-01-28/2025-02-04', '2025-04-04/2025-04-06', '2025-05-01/2025-05-05',
      '2025-05-31/2025-06-02', '2025-10-01/2025-10-08']),
    makeup_workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
    source: '国务院办公厅关于2025年部分节假日安排的通知',
  },
  {
    year: 2026,
    holidays: expand(['2026-01-01/2026-01-03', '2026-02-15/2026-02-23', '2026-04-04/2026-04-06', '2026-05-01/2026-05-05',
      '2026-06-19/2026-06-21', '2026-09-25/2026-09-27', '2026-10-01/2026-10-07']),
    makeup_workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
    source: '国务院办公厅关于2026年部分节假日安排的通知',
  },
];

export async function up(knex: Knex): Promise<void> {
  await knex('calendar_years')
    .insert(YEARS.map((y) => ({ ...y, holidays: JSON.stringify(y.holidays), makeup_workdays: JSON.stringify(y.makeup_workdays) })))
    .onConflict('year')
    .ignore();
}

export async function down(knex: Knex): Promise<void> {
  // Only rows still equal to the seed could be told apart from an administrator's edits; the
  // seeded years are simply removed, as the table was empty before.
  await knex('calendar_years').whereIn('year', YEARS.map((y) => y.year)).delete();
}
