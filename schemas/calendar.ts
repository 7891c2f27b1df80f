import { visibleTextSchema } from './common.js';

const daySchema = { type: 'string', format: 'date', description: 'YYYY-MM-DD, Asia/Shanghai' } as const;

export const calendarYearParams = {
  type: 'object',
  required: ['year'],
  additionalProperties: false,
  properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } },
} as const;

export const calendarYearSchema = {
  $id: 'CalendarYear',
  type: 'object',
  required: ['year', 'provisional', 'holidays', 'makeupWorkdays', 'workingDays', 'source', 'updatedAt'],
  properties: {
    year: { type: 'integer' },
    provisional: {
      type: 'boolean',
      description: "true while the year's holiday notice has not been entered: the year then counts the statutory holidays of the " +
        '全国年节及纪念日放假办法 (2024 revision) alone, with no make-up working days, and deadlines counted on it are marked provisional',
    },
    holidays: { type: 'array', items: daySchema, description: 'days off (放假)' },
    makeupWorkdays: { type: 'array', items: daySchema, description: 'weekend days worked (调休上班); always empty when provisional' },
    workingDays: { type: 'integer', description: 'working days in the year under this calendar' },
    source: { type: ['string', 'null'], description: 'the notice the days come from, as entered; for a provisional year, the statutory rule' },
    updatedAt: { type: ['string', 'null'], format: 'date-time', description: 'when the notice was entered or last changed; null when provisional' },
  },
} as const;

export const putCalendarYearBody = {
  type: 'object',
  required: ['holidays', 'makeupWorkdays'],
  additionalProperties: false,
  properties: {
    holidays: { type: 'array', items: daySchema, uniqueItems: true, maxItems: 200 },
    makeupWorkdays: { type: 'array', items: daySchema, uniqueItems: true, maxItems: 60 },
    source: { ...visibleTextSchema(500), description: 'the notice the days come from' },
  },
} as const;
