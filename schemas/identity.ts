import { listOf, pageQuery, queryOf, ref, timestampSchema, usccSchema, uuidSchema, visibleTextSchema } from './common.js';

export const USER_ROLES = ['platform_admin', 'auditor', 'dept_admin', 'dept_operator'] as const;
export const USER_STATUSES = ['active', 'disabled'] as const;
export const PRINCIPAL_KINDS = ['user', 'system'] as const;

export const userRoleSchema = { $id: 'UserRole', type: 'string', enum: USER_ROLES } as const;
const userStatusSchema = { type: 'string', enum: USER_STATUSES } as const;
const usernameSchema = { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{2,63}$', description: 'lowercase letters, digits, . _ -' } as const;
const passwordSchema = { type: 'string', minLength: 12, maxLength: 256 } as const;

export const tokenBody = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 } },
} as const;

export const tokenSchema = {
  $id: 'Token',
  type: 'object',
  required: ['accessToken', 'tokenType', 'expiresIn'],
  properties: { accessToken: { type: 'string' }, tokenType: { type: 'string', enum: ['Bearer'] }, expiresIn: { type: 'integer', description: 'seconds' } },
} as const;

export const identityProviderSchema = {
  $id: 'IdentityProvider',
  type: 'object',
  required: ['subjectSignIn', 'signInUrl'],
  properties: {
    subjectSignIn: { type: 'boolean', description: 'data subjects (citizens, companies) may sign in at the identity provider' },
    signInUrl: { type: ['string', 'null'], description: "the provider's authorization endpoint the console sends them to (OAuth 2.0 response_type=token)" },
  },
} as const;

export const userSchema = {
  $id: 'User',
  type: 'object',
  required: ['id', 'username', 'displayName', 'role', 'departmentCode', 'status', 'createdAt'],
  properties: {
    id: uuidSchema,
    username: { type: 'string' },
    displayName: { type: 'string' },
    role: ref(userRoleSchema),
    departmentCode: usccSchema,
    status: userStatusSchema,
    createdAt: timestampSchema,
  },
} as const;

export const createUserBody = {
  type: 'object',
  required: ['username', 'displayName', 'role', 'password'],
  additionalProperties: false,
  properties: {
    username: usernameSchema,
    displayName: visibleTextSchema(100),
    role: { type: 'string', enum: USER_ROLES },
    departmentCode: { ...usccSchema, description: "defaults to the caller's department" },
    password: passwordSchema,
  },
} as const;

export const updateUserBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    displayName: visibleTextSchema(100),
    password: passwordSchema,
    status: userStatusSchema,
  },
} as const;

export const listUsersQuery = queryOf({ departmentCode: usccSchema, ...pageQuery });

export const userListSchema = listOf(ref(userSchema));

export const principalSchema = {
  $id: 'Principal',
  type: 'object',
  required: ['kind', 'role', 'departmentCode'],
  properties: {
    kind: { type: 'string', enum: PRINCIPAL_KINDS },
    role: { type: 'string' },
    departmentCode: usccSchema,
    userId: uuidSchema,
    username: { type: 'string' },
    systemId: uuidSchema,
  },
} as const;

export const changeOwnPasswordBody = {
  type: 'object',
  required: ['currentPassword', 'newPassword'],
  additionalProperties: false,
  properties: {
    currentPassword: { type: 'string', minLength: 1, maxLength: 256 },
    newPassword: passwordSchema,
  },
} as const;
