import type { Knex } from 'knex';
import type { Context } from '../context.js';
import { shanghaiDay, yearOf } from '../../lib/working-days.js';
import { platformDepartmentCode } from '../departments/departments-service.js';
import { addWebhook } from '../outbox/outbox-service.js';

// The State Council General Office publishes next year's holiday notice each November. From
// 1 November (Asia/Shanghai) until it is entered, the platform's department — its admins enter
// the calendar — is told once a day which year to enter; a year already under way without its
// notice is named too. The claim on (year, day) in calendar_reminders makes the reminder
// idempotent per day across replicas and repeated sweeps.

/** From this month (1-based, Asia/Shanghai) next year's notice is expected. */
export const NOTICE_MONTH = 11;

/** The years that should have a notice by `day` and have none entered. */
export async function missingYears(db: Knex | Knex.Transaction, now: Date): Promise<number[]> {
  const day = shanghaiDay(now);
  const year = yearOf(day);
  const due = Number(day.slice(5, 7)) >= NOTICE_MONTH ? [year, year + 1] : [year];
  const entered = new Set((await db('calendar_years').whereIn('year', due).select('year')).map((r: { year: number }) => r.year));
  return due.filter((y) => !entered.has(y));
}

/** One notification per missing year per day to the platform; returns the years reminded of now. */
export async function remindMissingCalendars(ctx: Context): Promise<number[]> {
  const { db, now } = ctx;
  return db.transaction(async (trx) => {
    const day = shanghaiDay(now);
    const reminded: number[] = [];
    for (const year of await missingYears(trx, now)) {
      const claimed = await trx('calendar_reminders')
        .insert({ year, day, created_at: now })
        .onConflict(['year', 'day'])
        .ignore()
        .returning('year');
      if (!claimed.length) continue;
      await addWebhook(trx, {
        type: 'calendar.missing',
        departmentCode: await platformDepartmentCode(trx),
        now,
        data: { year, path: `/v1/calendar/${year}` },
      });
      reminded.push(year);
    }
    return reminded;
  });
}
