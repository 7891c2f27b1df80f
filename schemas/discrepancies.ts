// 一数一源、多元校核: discrepancies between a loaded copy of a data item and its authoritative
// source (src/modules/exchange/cross-check.ts). Never a value: where, for whom (masked) and since when.
import { listOf, pageQuery, queryOf, ref, timestampSchema, uuidSchema, visibleTextSchema } from './common.js';

export const DISCREPANCY_STATUSES = ['open', 'resolved'] as const;
export const DISCREPANCY_SIDES = ['source', 'copy', 'all'] as const;

const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;

export const discrepancySchema = {
  $id: 'Discrepancy',
  type: 'object',
  required: ['id', 'resourceId', 'itemKey', 'copyDepartmentCode', 'sourceResourceId', 'sourceItemKey', 'sourceDepartmentCode', 'subjectId',
    'status', 'occurrences', 'detectedAt', 'lastSeenAt', 'resolvedAt', 'resolution', 'note'],
  properties: {
    id: uuidSchema,
    resourceId: uuidSchema,
    itemKey: { type: 'string' },
    copyDepartmentCode: { type: 'string' },
    sourceResourceId: uuidSchema,
    sourceItemKey: { type: 'string' },
    sourceDepartmentCode: { type: 'string' },
    subjectId: { type: 'string' },
    status: { type: 'string', enum: DISCREPANCY_STATUSES },
    occurrences: { type: 'integer' },
    detectedAt: timestampSchema,
    lastSeenAt: timestampSchema,
    resolvedAt: nullableTimestamp,
    resolution: { type: ['string', 'null'], enum: ['agreed', 'closed', null] },
    note: { type: ['string', 'null'] },
  },
} as const;

export const discrepancyListSchema = listOf(ref(discrepancySchema));

export const listDiscrepanciesQuery = queryOf({
  side: { type: 'string', enum: DISCREPANCY_SIDES, default: 'all' },
  status: { type: 'string', enum: DISCREPANCY_STATUSES },
  resourceId: uuidSchema,
  ...pageQuery,
});

export const closeDiscrepancyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['note'],
  properties: { note: visibleTextSchema(2000) },
} as const;
