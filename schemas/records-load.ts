import { resourceIdParams } from './catalog.js';

// The provider side of hosted records (PUT/DELETE …/records/{subjectId}, POST …/records/bulk).
// Replies hold counts, outcomes and masked ids only: never a value of a record.

export const recordParams = {
  type: 'object',
  required: ['id', 'subjectId'],
  additionalProperties: false,
  properties: {
    id: resourceIdParams.properties.id,
    // Checked against GB 11643 / GB 32100 by the service (INVALID_SUBJECT_ID names the problem).
    subjectId: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

/** One record: data item key → value; checked against the published data items by the service. */
export const recordBody = { type: 'object' } as const;

const problemItem = {
  type: 'object',
  required: ['field', 'problem'],
  additionalProperties: false,
  properties: { field: { type: 'string' }, problem: { type: 'string' } },
} as const;

export const upsertRecordReply = {
  $id: 'RecordWriteOutcome',
  type: 'object',
  required: ['resourceId', 'resourceVersion', 'subjectMasked', 'outcome', 'warnings'],
  additionalProperties: false,
  properties: {
    resourceId: { type: 'string', format: 'uuid' },
    resourceVersion: { type: 'integer', description: 'The published version the record was validated against' },
    subjectMasked: { type: 'string', description: 'The subject id, first 6 and last 4 kept' },
    outcome: { type: 'string', enum: ['inserted', 'updated', 'unchanged'] },
    warnings: { type: 'array', items: problemItem },
  },
} as const;

export const bulkLoadHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
  },
} as const;

export const bulkLoadReplySchema = {
  type: 'object',
  required: ['resourceId', 'resourceVersion', 'received', 'inserted', 'updated', 'unchanged', 'rejected', 'errors', 'errorsTruncated'],
  additionalProperties: false,
  properties: {
    resourceId: { type: 'string', format: 'uuid' },
    resourceVersion: { type: 'integer' },
    received: { type: 'integer', description: 'Non-empty lines read' },
    inserted: { type: 'integer' },
    updated: { type: 'integer', description: 'Records replaced with different values (the previous ones went to history)' },
    unchanged: { type: 'integer', description: 'Records loaded again with equal values: nothing written' },
    rejected: { type: 'integer', description: 'Lines not loaded; each has at least one entry in errors' },
    errors: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['line', 'field', 'problem'],
        additionalProperties: false,
        properties: { line: { type: 'integer', minimum: 1 }, field: { type: 'string', description: "The data item key, or '' for the line as a whole" }, problem: { type: 'string' } },
      },
    },
    errorsTruncated: { type: 'boolean' },
  },
} as const;
