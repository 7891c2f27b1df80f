import { cursorQuery, listOf, pageQuery, queryOf, ref, timestampSchema, usccSchema, uuidSchema, visibleTextSchema } from './common.js';

/** Every status of an application (the state machine: src/modules/applications/state-machine.ts). */
export const APPLICATION_STATUSES = [
  'pending_review', 'returned', 'rejected', 'provisioning', 'pending_provider', 'granted', 'denied', 'in_coordination', 'withdrawn',
] as const;
export const SLA_COLOURS = ['on_time', 'warning', 'overdue'] as const;
export const APPLICATION_STEPS = ['review', 'correction', 'provision', 'provider_decision', 'coordination'] as const;
export const APPLICATION_SIDES = ['consumer', 'provider', 'all'] as const;

export const applicationStatusSchema = { $id: 'ApplicationStatus', type: 'string', enum: APPLICATION_STATUSES } as const;

export const slaSchema = { type: 'string', enum: SLA_COLOURS, description: 'on_time, warning (黄牌预警) or overdue (红牌)' } as const;

const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;
const nullableString = { type: ['string', 'null'] } as const;

const fieldKeysSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 500,
  uniqueItems: true,
  items: { type: 'string', minLength: 1, maxLength: 64 },
  description: 'data-item keys of the resource version',
} as const;

const reasonSchema = visibleTextSchema(2000);

const termsProperties = {
  fields: fieldKeysSchema,
  purpose: { ...visibleTextSchema(2000), description: 'what the data is used for' },
  legalBasis: { ...visibleTextSchema(2000), description: '依据: the law or policy the duty rests on' },
  serviceItemCode: { type: 'string', pattern: '^[0-9A-Za-z._-]{1,64}$', description: '事项编码 of the government-service item' },
  validFrom: timestampSchema,
  validTo: timestampSchema,
  expectedDailyCalls: { type: 'integer', minimum: 1, maximum: 10_000_000, description: 'becomes the daily quota of the grant' },
} as const;

export const submitApplicationBody = {
  type: 'object',
  additionalProperties: false,
  required: ['resourceId', 'systemId', 'fields', 'purpose', 'legalBasis', 'serviceItemCode', 'validFrom', 'validTo', 'expectedDailyCalls'],
  properties: { resourceId: uuidSchema, systemId: uuidSchema, ...termsProperties },
} as const;

export const resubmitApplicationBody = {
  type: 'object',
  additionalProperties: false,
  description: 'corrections to the returned application; omitted terms stay as they were',
  properties: termsProperties,
} as const;

/**
 * Part of the decision that issues a grant, set by the deciding party only: the platform accepting
 * a Route A application or granting after coordination, the provider approving on Route B.
 */
const plainValuesProperty = {
  type: 'boolean',
  default: false,
  description: 'the grant serves plain (unmasked) values; only in a decision that grants (see Grant)',
} as const;

export const reviewBody = {
  type: 'object',
  additionalProperties: false,
  required: ['decision'],
  properties: {
    decision: { type: 'string', enum: ['accept', 'reject', 'return'] },
    reason: { ...reasonSchema, description: 'required to reject or return' },
    plainValues: plainValuesProperty,
  },
} as const;

const narrowingProperties = {
  fields: { ...fieldKeysSchema, description: 'a subset of the fields applied for' },
  conditions: { ...visibleTextSchema(2000), description: 'conditions of use added to the grant' },
  validTo: { ...timestampSchema, description: 'may only shorten the validity applied for' },
  plainValues: plainValuesProperty,
  discloseAfter: { ...timestampSchema, description: 'discretion: subjects see accesses in full from then' },
} as const;

export const decisionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['decision'],
  properties: {
    decision: { type: 'string', enum: ['approve', 'deny'] },
    reason: { ...reasonSchema, description: 'required to deny' },
    ...narrowingProperties,
  },
} as const;

export const coordinationDecisionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['decision'],
  properties: {
    decision: { type: 'string', enum: ['grant', 'deny'] },
    reason: { ...reasonSchema, description: 'required to deny' },
    ...narrowingProperties,
  },
} as const;

export const withdrawBody = {
  type: 'object',
  description: 'optional: a request without a body withdraws without a reason',
  additionalProperties: false,
  properties: { reason: reasonSchema },
} as const;

export const coordinationBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { ...reasonSchema, description: 'why the department needs the data for its duties' } },
} as const;

export const applicationSchema = {
  $id: 'Application',
  type: 'object',
  required: ['id', 'status', 'route', 'resourceId', 'resourceCode', 'resourceName', 'resourceVersion', 'providerCode', 'consumerCode',
    'systemId', 'fields', 'purpose', 'legalBasis', 'serviceItemCode', 'validFrom', 'validTo', 'expectedDailyCalls', 'decidedFields',
    'decidedValidTo', 'conditions', 'grantId', 'step', 'responsibleDepartment', 'stepStartedAt', 'dueAt', 'dueProvisional', 'sla', 'submittedAt', 'updatedAt'],
  properties: {
    id: uuidSchema,
    status: ref(applicationStatusSchema),
    route: { type: ['string', 'null'], enum: ['A', 'B', null], description: 'A: the platform serves; B: the provider decides' },
    resourceId: uuidSchema,
    resourceCode: { type: 'string' },
    resourceName: { type: 'string' },
    resourceVersion: { type: 'integer' },
    providerCode: usccSchema,
    consumerCode: usccSchema,
    systemId: uuidSchema,
    fields: { type: 'array', items: { type: 'string' } },
    purpose: { type: 'string' },
    legalBasis: { type: 'string' },
    serviceItemCode: { type: 'string' },
    validFrom: timestampSchema,
    validTo: timestampSchema,
    expectedDailyCalls: { type: 'integer' },
    decidedFields: { type: ['array', 'null'], items: { type: 'string' }, description: 'the narrowed fields, when the decision narrowed them' },
    decidedValidTo: nullableTimestamp,
    conditions: nullableString,
    grantId: { type: ['string', 'null'], format: 'uuid' },
    step: { type: ['string', 'null'], enum: [...APPLICATION_STEPS, null] },
    responsibleDepartment: { type: ['string', 'null'], description: 'the department that must act next' },
    stepStartedAt: nullableTimestamp,
    dueAt: { ...nullableTimestamp, description: 'deadline of the open step: the close of its last working day, Asia/Shanghai' },
    dueProvisional: {
      type: ['boolean', 'null'],
      description: "true when dueAt counts a day of a year whose holiday notice is not entered yet: it was computed on that year's " +
        'statutory holidays alone and is recomputed when the notice is entered (PUT /v1/calendar/{year}); null without a deadline',
    },
    sla: { type: ['string', 'null'], enum: [...SLA_COLOURS, null] },
    submittedAt: timestampSchema,
    updatedAt: timestampSchema,
  },
} as const;

export const timelineEntrySchema = {
  $id: 'TimelineEntry',
  type: 'object',
  required: ['at', 'action', 'fromStatus', 'toStatus', 'actor', 'decision', 'reason', 'step', 'dueAt', 'dueProvisional', 'deadlineMet', 'nextDueAt', 'nextDueProvisional'],
  properties: {
    at: timestampSchema,
    action: { type: 'string', description: 'submit, accept, reject, return, resubmit, provision, approve, deny, request_coordination, coordination_grant, coordination_deny, withdraw, warn (黄牌预警), supervise (红牌督办), delivered, grant_revoked, deadline_recomputed (a calendar year was entered or changed)' },
    fromStatus: nullableString,
    toStatus: nullableString,
    actor: {
      type: 'object',
      required: ['kind', 'id', 'departmentCode'],
      properties: { kind: { type: 'string' }, id: nullableString, departmentCode: nullableString },
    },
    decision: nullableString,
    reason: nullableString,
    step: { ...nullableString, description: 'the step this entry closes or concerns' },
    dueAt: { ...nullableTimestamp, description: "that step's deadline (for deadline_recomputed: the deadline before the calendar change)" },
    dueProvisional: { type: ['boolean', 'null'], description: 'whether dueAt was counted on a provisional calendar (a year without its holiday notice)' },
    deadlineMet: { type: ['boolean', 'null'], description: 'whether the step closed within its deadline' },
    nextDueAt: { ...nullableTimestamp, description: 'deadline of the step this entry opens (for deadline_recomputed: the new deadline of the same step)' },
    nextDueProvisional: { type: ['boolean', 'null'], description: 'whether nextDueAt was counted on a provisional calendar' },
  },
} as const;

/** An application with the timeline of its steps. */
export const applicationDetailSchema = {
  $id: 'ApplicationDetail',
  type: 'object',
  required: [...applicationSchema.required, 'timeline'],
  properties: { ...applicationSchema.properties, timeline: { type: 'array', items: ref(timelineEntrySchema) } },
} as const;

export const applicationListSchema = listOf(ref(applicationSchema), { total: 'optional', nextCursor: true });

export const listApplicationsQuery = queryOf({
  status: { type: 'string', enum: APPLICATION_STATUSES },
  side: { type: 'string', enum: APPLICATION_SIDES, default: 'all', description: "a department's own applications, those for its resources, or both" },
  sla: slaSchema,
  resourceId: uuidSchema,
  ...pageQuery,
  cursor: cursorQuery.cursor,
});

/** The inbox is bounded by what waits for a decision: offset pages with a total. */
export const inboxListSchema = listOf(ref(applicationSchema));

export const inboxQuery = queryOf(pageQuery);
