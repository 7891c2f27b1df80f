import { visibleTextSchema } from './common.js';

const daySchema = { type: 'string', format: 'date', description: 'YYYY-MM-DD, Asia/Shanghai' } as const;

export const calendarYearParams = {
  type: 'object',
  required: ['year'],
  additionalProperties: false,
  properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } },
} as const;

export const calendarYearSchema = {
  type: 'object',
  required: ['year', 'hasData', 'fallbackToWeekdays', 'holidays', 'makeupWorkdays', 'workingDays', 'source', 'updatedAt'],
  properties: {
    year: { type: 'integer' },
    hasData: { type: 'boolean', description: 'false when no holiday notice has been entered for the year' },
    fallbackToWeekdays: { type: 'boolean', description: 'true when deadlines in this year count Monday–Friday only' },
    holidays: { type: 'array', items: daySchema, description: 'days off (放假)' },
    makeupWorkdays: { type: 'array', items: daySchema, description: 'weekend days worked (调休上班)' },
    workingDays: { type: 'integer', description: 'working days in the year under this calendar' },
    source: { type: ['string', 'null'] },
    updatedAt: { type: ['string', 'null'], format: 'date-time' },
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
