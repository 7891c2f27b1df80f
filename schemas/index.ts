// The shared schemas: each has an `$id`, is registered once (src/plugins/schemas.ts and the ajv
// instances of src/lib/validation.ts), appears once in the OpenAPI document as the component of
// that name, and is used through ref(). See schemas/README.md.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { applicationDetailSchema, applicationSchema, applicationStatusSchema, timelineEntrySchema } from './applications.js';
import { auditEventSchema, inclusionProofSchema, treeHeadSchema } from './audit.js';
import { calendarYearSchema } from './calendar.js';
import {
  controlParamComponent,
  dataItemComponent,
  facetSchema,
  resourceSchema,
  resourceStatusSchema,
  resourceSummarySchema,
  versionStatusSchema,
  versionSummarySchema,
} from './catalog.js';
import { problemSchema, usccComponent } from './common.js';
import { createdDepartmentSchema, departmentSchema, registeredDepartmentSchema } from './departments.js';
import { grantSchema, grantStatusSchema } from './grants.js';
import { healthSchema } from './health.js';
import { identityProviderSchema, principalSchema, tokenSchema, userRoleSchema, userSchema } from './identity.js';
import { deadLetterSchema, notificationSchema } from './outbox.js';
import { batchResultSchema, fieldInfoSchema, recordReplySchema } from './records.js';
import { discrepancySchema } from './discrepancies.js';
import { objectionSchema } from './objections.js';
import { upsertRecordReply } from './records-load.js';
import { departmentFiguresSchema, resourceFiguresSchema, stepFiguresSchema, supervisionCaseSchema, supervisionPeriodSchema } from './supervision.js';
import { apiKeySchema, createdSystemSchema, issuedKeySchema, systemSchema } from './systems.js';

/** Every shared schema, in the order the OpenAPI components list them. */
export const SHARED_SCHEMAS = [
  problemSchema,
  usccComponent,
  healthSchema,
  tokenSchema,
  identityProviderSchema,
  principalSchema,
  userRoleSchema,
  userSchema,
  departmentSchema,
  createdDepartmentSchema,
  registeredDepartmentSchema,
  systemSchema,
  createdSystemSchema,
  apiKeySchema,
  issuedKeySchema,
  resourceStatusSchema,
  versionStatusSchema,
  dataItemComponent,
  controlParamComponent,
  resourceSchema,
  resourceSummarySchema,
  versionSummarySchema,
  calendarYearSchema,
  applicationStatusSchema,
  applicationSchema,
  timelineEntrySchema,
  applicationDetailSchema,
  grantStatusSchema,
  grantSchema,
  notificationSchema,
  deadLetterSchema,
  fieldInfoSchema,
  recordReplySchema,
  batchResultSchema,
  upsertRecordReply,
  discrepancySchema,
  objectionSchema,
  facetSchema,
  treeHeadSchema,
  inclusionProofSchema,
  auditEventSchema,
  supervisionPeriodSchema,
  resourceFiguresSchema,
  stepFiguresSchema,
  departmentFiguresSchema,
  supervisionCaseSchema,
] as const;

type SharedSchemas = [...typeof SHARED_SCHEMAS];

/**
 * The type provider of every route: json-schema-to-ts with the shared schemas as references, so
 * that the types of `$ref`s still come from the schemas.
 */
export type SchemaTypeProvider = JsonSchemaToTsProvider<{
  ValidatorSchemaOptions: { references: SharedSchemas };
  SerializerSchemaOptions: { references: SharedSchemas };
}>;

/** The type of a schema that may `$ref` the shared schemas. */
export type FromShared<S extends JSONSchema> = FromSchema<S, { references: SharedSchemas }>;
