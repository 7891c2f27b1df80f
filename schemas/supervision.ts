import { queryOf, ref, usccSchema, uuidSchema } from './common.js';

// 效能监督: the supervision figures (departments, resources), supervision cases (督办) and alerts.

/** The period query shared by the figures' routes (spread into their querystrings). */
export const periodQuery = {
  period: {
    type: 'string',
    maxLength: 22,
    pattern: '^(day|week|month|\\d{4}-(\\d{2}|W\\d{2})|\\d{4}-\\d{2}-\\d{2}(\\.\\.\\d{4}-\\d{2}-\\d{2})?)$',
    description: 'Asia/Shanghai: 2026-03, 2026-W10, 2026-03-09, a..b, day, week, month (default)',
  },
} as const;

export const supervisionPeriodSchema = {
  $id: 'SupervisionPeriod',
  type: 'object',
  required: ['from', 'to', 'timeZone'],
  properties: {
    from: { type: 'string', format: 'date' },
    to: { type: 'string', format: 'date', description: 'inclusive' },
    timeZone: { type: 'string' },
  },
} as const;

const msOrNull = { type: ['number', 'null'] } as const;

export const resourceFiguresSchema = {
  $id: 'ResourceFigures',
  type: 'object',
  required: ['resourceId', 'calls', 'errors', 'errorsByCode', 'quotaRefusals', 'latencyMs', 'topConsumers', 'openObjections', 'openDiscrepancies'],
  properties: {
    resourceId: uuidSchema,
    calls: { type: 'integer' },
    errors: { type: 'integer' },
    errorsByCode: { type: 'object', additionalProperties: { type: 'integer' } },
    quotaRefusals: { type: 'integer' },
    latencyMs: {
      type: 'object',
      required: ['p50', 'p95', 'p99'],
      properties: { p50: msOrNull, p95: msOrNull, p99: msOrNull },
    },
    topConsumers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['departmentCode', 'calls', 'errors'],
        properties: { departmentCode: usccSchema, calls: { type: 'integer' }, errors: { type: 'integer' } },
      },
    },
    openObjections: {
      type: 'object',
      description: '纠错 open now, whatever the period: all, yellow, red (past the deadline)',
      required: ['open', 'warnings', 'redCards'],
      properties: { open: { type: 'integer' }, warnings: { type: 'integer' }, redCards: { type: 'integer' } },
    },
    openDiscrepancies: {
      type: 'object',
      description: '一数一源 open now: as the source, as a copy (no deadline)',
      required: ['asSource', 'asCopy'],
      properties: { asSource: { type: 'integer' }, asCopy: { type: 'integer' } },
    },
  },
} as const;

export const resourceFiguresQuery = queryOf({
  ...periodQuery,
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
});

export const resourceFiguresListSchema = {
  type: 'object',
  required: ['period', 'items'],
  properties: { period: ref(supervisionPeriodSchema), items: { type: 'array', items: ref(resourceFiguresSchema) } },
} as const;

const countOrNull = { type: ['number', 'null'] } as const;
const int = { type: 'integer' } as const;

export const stepFiguresSchema = {
  $id: 'StepFigures',
  type: 'object',
  required: ['step', 'received', 'decided', 'onTime', 'onTimeRate', 'meanWorkingDays', 'p90WorkingDays', 'warnings', 'redCards', 'openWarnings', 'openRedCards'],
  properties: {
    step: { type: 'string' },
    received: int,
    decided: int,
    onTime: int,
    onTimeRate: countOrNull,
    meanWorkingDays: countOrNull,
    p90WorkingDays: countOrNull,
    warnings: int,
    redCards: int,
    openWarnings: int,
    openRedCards: int,
  },
} as const;

export const departmentFiguresSchema = {
  $id: 'DepartmentFigures',
  type: 'object',
  required: ['departmentCode', 'departmentName', 'rank', 'casesOpened', 'casesOpen', 'totals', 'steps'],
  properties: {
    departmentCode: usccSchema,
    departmentName: { type: 'string' },
    rank: { type: ['integer', 'null'] },
    casesOpened: int,
    casesOpen: int,
    totals: ref(stepFiguresSchema),
    steps: { type: 'array', items: ref(stepFiguresSchema) },
  },
} as const;

export const departmentFiguresQuery = queryOf({ ...periodQuery });

export const departmentFiguresListSchema = {
  type: 'object',
  required: ['period', 'items'],
  properties: { period: ref(supervisionPeriodSchema), items: { type: 'array', items: ref(departmentFiguresSchema) } },
} as const;

export const CASE_ACTIONS = ['reminder', 'interview', 'report'] as const;
const time = { type: 'string', format: 'date-time' } as const;

export const supervisionCaseSchema = {
  $id: 'SupervisionCase',
  type: 'object',
  required: ['id', 'applicationId', 'objectionId', 'step', 'responsibleCode', 'dueAt', 'openedAt', 'closedAt', 'workingDaysLate', 'actions'],
  properties: {
    id: uuidSchema,
    applicationId: { type: ['string', 'null'], format: 'uuid', description: 'the application whose step is late; null for an objection' },
    objectionId: { type: ['string', 'null'], format: 'uuid', description: "the 纠错 objection (step 'objection') left undecided; else null" },
    step: { type: 'string' },
    responsibleCode: usccSchema,
    dueAt: time,
    openedAt: time,
    closedAt: { type: ['string', 'null'], format: 'date-time' },
    workingDaysLate: int,
    actions: {
      type: 'array',
      items: { type: 'object', required: ['kind', 'note', 'at'], properties: { kind: { type: 'string', enum: CASE_ACTIONS }, note: { type: 'string' }, at: time } },
    },
  },
} as const;

export const listCasesQuery = queryOf({});
