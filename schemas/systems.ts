import { listOf, ref, textSchema, timestampSchema, usccSchema, uuidSchema, visibleTextSchema } from './common.js';

export const apiKeySchema = {
  $id: 'ApiKey',
  type: 'object',
  required: ['id', 'keyPrefix', 'createdAt', 'lastUsedAt', 'revokedAt'],
  properties: {
    id: uuidSchema,
    keyPrefix: { type: 'string', description: 'first characters of the key, to tell keys apart' },
    createdAt: timestampSchema,
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const issuedKeySchema = {
  $id: 'IssuedKey',
  type: 'object',
  required: ['id', 'keyPrefix', 'createdAt', 'apiKey'],
  properties: {
    id: uuidSchema,
    keyPrefix: { type: 'string' },
    createdAt: timestampSchema,
    apiKey: { type: 'string', description: 'shk_… — shown only in this response; store it now' },
  },
} as const;

export const systemSchema = {
  $id: 'System',
  type: 'object',
  required: ['id', 'departmentCode', 'name', 'description', 'createdAt'],
  properties: {
    id: uuidSchema,
    departmentCode: usccSchema,
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    createdAt: timestampSchema,
  },
} as const;

export const createdSystemSchema = {
  $id: 'CreatedSystem',
  type: 'object',
  required: [...systemSchema.required, 'key'],
  properties: { ...systemSchema.properties, key: ref(issuedKeySchema) },
} as const;

/** Lists without a count: a department has a handful of systems, a system a handful of keys. */
export const systemListSchema = listOf(ref(systemSchema), { total: false });
export const apiKeyListSchema = listOf(ref(apiKeySchema), { total: false });

export const createSystemBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: visibleTextSchema(200),
    description: textSchema(2000),
  },
} as const;

export const keyParams = {
  type: 'object',
  required: ['id', 'keyId'],
  additionalProperties: false,
  properties: { id: uuidSchema, keyId: uuidSchema },
} as const;
