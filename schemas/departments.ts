import { listOf, pageQuery, queryOf, ref, timestampSchema, usccSchema, visibleTextSchema } from './common.js';

export const DEPARTMENT_LEVELS = ['province', 'city', 'district'] as const;

// Inline (no $id): the catalog file schema (catalog-file.ts) uses it too and is compiled on its own.
export const departmentLevelSchema = { type: 'string', enum: DEPARTMENT_LEVELS } as const;

export const departmentSchema = {
  $id: 'Department',
  type: 'object',
  required: ['code', 'name', 'level', 'parentCode', 'isPlatform', 'hasWebhook', 'createdAt'],
  properties: {
    code: usccSchema,
    name: { type: 'string' },
    level: departmentLevelSchema,
    parentCode: { type: ['string', 'null'] },
    isPlatform: { type: 'boolean' },
    hasWebhook: { type: 'boolean' },
    webhookUrl: { type: 'string', description: 'shown to the platform and to the department itself' },
    createdAt: timestampSchema,
  },
} as const;

export const createdDepartmentSchema = {
  ...departmentSchema,
  $id: 'CreatedDepartment',
  properties: {
    ...departmentSchema.properties,
    webhookSecret: { type: 'string', description: 'HMAC key for signed webhooks; shown only in this response' },
  },
} as const;

/** The reply to a registration: also what was accepted but looks wrong. */
export const registeredDepartmentSchema = {
  ...createdDepartmentSchema,
  $id: 'RegisteredDepartment',
  required: [...createdDepartmentSchema.required, 'webhookSecret', 'warnings'],
  properties: {
    ...createdDepartmentSchema.properties,
    warnings: {
      type: 'array',
      items: { type: 'string' },
      description: 'accepted, but worth a second look: e.g. a registration authority/type pair (pos 1–2) not in GB 32100 Table 1',
    },
  },
} as const;

export const departmentListSchema = listOf(ref(departmentSchema));
export const listDepartmentsQuery = queryOf(pageQuery);

// No user:password@ in the authority: credentials in a URL end up in errors, logs and the audit
// trail. A department authenticates our calls by the signature instead.
const webhookUrlSchema = {
  type: 'string',
  format: 'uri',
  pattern: '^https?://[^/?#@]+(?:[/?#]|$)',
  maxLength: 2048,
  description: 'http(s) URL without credentials (no user:password@)',
} as const;
const webhookSecretSchema = { type: 'string', minLength: 32, maxLength: 256 } as const;

export const createDepartmentBody = {
  type: 'object',
  required: ['code', 'name', 'level'],
  additionalProperties: false,
  properties: {
    code: { type: 'string', minLength: 1, maxLength: 18, description: '统一社会信用代码 (GB 32100)' },
    name: visibleTextSchema(200),
    level: departmentLevelSchema,
    parentCode: usccSchema,
    webhookUrl: webhookUrlSchema,
    webhookSecret: { ...webhookSecretSchema, description: 'generated when omitted' },
  },
} as const;

export const updateDepartmentBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: visibleTextSchema(200),
    webhookUrl: { anyOf: [webhookUrlSchema, { type: 'null' }] },
    rotateWebhookSecret: { type: 'boolean', description: 'issue a new webhook secret, returned once' },
  },
} as const;

export const departmentCodeParams = {
  type: 'object',
  required: ['code'],
  additionalProperties: false,
  properties: { code: { type: 'string', maxLength: 18 } },
} as const;
