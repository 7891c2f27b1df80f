import { LEAF_EVENT_KEYS } from '../src/lib/audit-proof.js';
import { cursorQuery, listOf, queryOf, ref, timestampSchema, usccSchema, uuidSchema } from './common.js';

// The verifiable audit log (issue 11): tree heads, proofs, verification, the auditors' event
// list and a data subject's access log. Hashes, keys and signatures are lower-case hex.

const hashSchema = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const sm2PublicKeySchema = { type: 'string', pattern: '^04[0-9a-f]{128}$' } as const;
const sm2SignatureSchema = { type: 'string', pattern: '^[0-9a-f]{128}$' } as const;
const sizeSchema = { type: 'integer', minimum: 0, maximum: 9_007_199_254_740_991 } as const;

export const treeHeadSchema = {
  $id: 'TreeHead',
  type: 'object',
  required: ['origin', 'size', 'rootHash', 'timestamp', 'checkpoint', 'publicKey', 'signature', 'cosignatures', 'witnessed'],
  properties: {
    origin: { type: 'string' },
    size: sizeSchema,
    rootHash: hashSchema,
    timestamp: timestampSchema,
    checkpoint: { type: 'string' },
    publicKey: sm2PublicKeySchema,
    signature: sm2SignatureSchema,
    cosignatures: {
      type: 'array',
      items: {
        type: 'object',
        required: ['witness', 'publicKey', 'signature', 'receivedAt'],
        properties: { witness: { type: 'string' }, publicKey: sm2PublicKeySchema, signature: sm2SignatureSchema, receivedAt: timestampSchema },
      },
    },
    witnessed: { type: 'boolean' },
  },
} as const;

export const auditKeySchema = {
  type: 'object',
  required: ['origin', 'algorithm', 'userId', 'publicKey', 'publicKeyPem', 'trustedPublicKeys', 'witnesses'],
  properties: {
    origin: { type: 'string' },
    algorithm: { type: 'string' },
    userId: { type: 'string' },
    publicKey: sm2PublicKeySchema,
    publicKeyPem: { type: 'string' },
    trustedPublicKeys: { type: 'array', items: sm2PublicKeySchema },
    witnesses: { type: 'array', items: { type: 'object', required: ['name', 'publicKey'], properties: { name: { type: 'string' }, publicKey: sm2PublicKeySchema } } },
  },
} as const;

export const headQuery = queryOf({ size: { ...sizeSchema } });

export const inclusionQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['event'],
  properties: {
    event: { type: 'integer', minimum: 1, maximum: 9_007_199_254_740_991 },
    size: { ...sizeSchema },
  },
} as const;

export const inclusionProofSchema = {
  $id: 'InclusionProof',
  type: 'object',
  required: ['eventId', 'leafIndex', 'leafHash', 'treeSize', 'rootHash', 'auditPath'],
  properties: {
    eventId: { type: 'integer' },
    leafIndex: { type: 'integer' },
    leafHash: hashSchema,
    treeSize: sizeSchema,
    rootHash: hashSchema,
    auditPath: { type: 'array', items: hashSchema },
  },
} as const;

export const consistencyQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: { from: sizeSchema, to: sizeSchema },
} as const;

export const consistencyProofSchema = {
  type: 'object',
  required: ['from', 'to', 'fromRootHash', 'toRootHash', 'proof'],
  properties: { from: sizeSchema, to: sizeSchema, fromRootHash: hashSchema, toRootHash: hashSchema, proof: { type: 'array', items: hashSchema } },
} as const;

export const cosignatureParams = {
  type: 'object',
  additionalProperties: false,
  required: ['size'],
  properties: { size: sizeSchema },
} as const;

export const cosignatureBody = {
  type: 'object',
  additionalProperties: false,
  required: ['witness', 'signature'],
  properties: {
    witness: { type: 'string', minLength: 1, maxLength: 64 },
    signature: sm2SignatureSchema,
  },
} as const;

export const verifyReportSchema = {
  type: 'object',
  required: ['ok', 'treeSize', 'eventsChecked', 'headsChecked', 'unsequenced', 'keptHashesOnly', 'retention', 'firstDifference', 'problems'],
  properties: {
    ok: { type: 'boolean' },
    treeSize: sizeSchema,
    eventsChecked: { type: 'integer' },
    headsChecked: { type: 'integer' },
    unsequenced: { type: 'integer' },
    keptHashesOnly: { type: 'integer', description: 'leaves whose events retention dropped: checked against the kept leaf hashes only' },
    retention: {
      type: 'array',
      items: {
        type: 'object',
        required: ['partition', 'from', 'to', 'events', 'positions', 'headSize', 'detail'],
        properties: {
          partition: { type: 'string' }, from: timestampSchema, to: timestampSchema, events: { type: 'integer' },
          positions: { type: 'string', description: 'the positions (seq) the dropped events held, as a PostgreSQL int8multirange' },
          headSize: sizeSchema, detail: { type: 'string' },
        },
      },
    },
    firstDifference: {
      type: ['object', 'null'],
      required: ['seq', 'eventId', 'kind', 'detail'],
      properties: {
        seq: { type: ['integer', 'null'] },
        eventId: { type: ['integer', 'null'] },
        kind: { type: 'string', enum: ['changed', 'missing', 'inserted', 'leaf_missing', 'head', 'retention'] },
        detail: { type: 'string' },
      },
    },
    problems: { type: 'array', items: { type: 'string' }, maxItems: 100 },
  },
} as const;

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;

export const auditEventSchema = {
  $id: 'AuditEvent',
  type: 'object',
  required: ['id', 'seq', 'occurredAt', 'actorKind', 'actorId', 'actorDepartment', 'entityType', 'entityId', 'action', 'outcome', 'reason',
    'requestId', 'details', 'resourceId', 'grantId', 'subjectMasked', 'fields', 'serviceItemCode', 'caseId', 'operatorId', 'latencyMs'],
  properties: {
    id: { type: 'integer' },
    seq: { type: ['integer', 'null'] },
    occurredAt: timestampSchema,
    actorKind: { type: 'string' },
    actorId: { type: ['string', 'null'] },
    actorDepartment: { type: ['string', 'null'] },
    entityType: { type: 'string' },
    entityId: { type: 'string' },
    action: { type: 'string' },
    outcome: { type: 'string' },
    reason: { type: ['string', 'null'] },
    requestId: { type: ['string', 'null'] },
    details: { type: 'object', additionalProperties: true },
    resourceId: { type: ['string', 'null'] },
    grantId: { type: ['string', 'null'] },
    subjectMasked: { type: ['string', 'null'] },
    fields: { type: ['array', 'null'], items: { type: 'string' } },
    serviceItemCode: { type: ['string', 'null'] },
    caseId: { type: ['string', 'null'] },
    operatorId: { type: ['string', 'null'] },
    latencyMs: { type: ['integer', 'null'] },
  },
} as const;

export const auditEventListSchema = listOf(ref(auditEventSchema), { total: false, nextCursor: true });

export const listAuditEventsQuery = queryOf({
  from: { ...timestampSchema },
  to: { ...timestampSchema },
  department: usccSchema,
  system: uuidSchema,
  resource: uuidSchema,
  action: { type: 'string', minLength: 1, maxLength: 64 },
  outcome: { type: 'string', enum: AUDIT_OUTCOMES },
  subjectId: { type: 'string', minLength: 1, maxLength: 64 },
  caseId: { type: 'string', minLength: 1, maxLength: 128 },
  format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
  limit: cursorQuery.limit,
  cursor: cursorQuery.cursor,
});


const nullableString = { type: ['string', 'null'] } as const;

export const accessLogQuery = queryOf({ limit: cursorQuery.limit, cursor: cursorQuery.cursor });

export const accessLogSchema = {
  type: 'object',
  required: ['subjectHash', 'count', 'pending', 'head', 'statement', 'statementSignature', 'entries', 'nextCursor'],
  properties: {
    subjectHash: hashSchema,
    count: { type: 'integer' },
    pending: { type: 'integer' },
    head: ref(treeHeadSchema),
    statement: { type: 'string' },
    statementSignature: sm2SignatureSchema,
    entries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['subjectSeq', 'seq', 'sealed', 'dropped', 'discloseAfter', 'leafHash', 'auditPath', 'access', 'event'],
        properties: {
          subjectSeq: { type: 'integer' },
          seq: { type: 'integer' },
          counterOf: hashSchema,
          sealed: { type: 'boolean' },
          dropped: { type: 'boolean', description: 'the event was dropped by retention: leaf hash and proof only' },
          discloseAfter: nullableString,
          leafHash: hashSchema,
          auditPath: { type: 'array', items: hashSchema },
          access: {
            type: ['object', 'null'],
            properties: {
              occurredAt: { type: 'string' }, department: nullableString, departmentName: nullableString, systemId: nullableString, resourceId: nullableString, action: { type: 'string' },
              outcome: { type: 'string' }, fields: { type: ['array', 'null'], items: { type: 'string' } }, serviceItemCode: nullableString,
              caseId: nullableString, operatorId: nullableString,
            },
          },
          event: { type: ['object', 'null'], additionalProperties: false, properties: Object.fromEntries(LEAF_EVENT_KEYS.map((k) => [k, {}])) },
        },
      },
    },
    nextCursor: listOf({}, { total: false, nextCursor: true }).properties.nextCursor,
  },
} as const;
