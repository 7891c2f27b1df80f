// The catalog as data (catalog/*.json): one file per providing department, holding the department
// and the resources it provides. `sharehub catalog import <dir>` validates every file against this
// schema (and the cross-field rules of resource-validation.ts) before it writes anything.
import { usccSchema, visibleTextSchema } from './common.js';
import { departmentLevelSchema } from './departments.js';
import { createResourceBody } from './catalog.js';

export const catalogResourceEntrySchema = {
  ...createResourceBody,
  description: 'a resource as published by the import: the metadata of POST /v1/resources, plus its publish date',
  properties: {
    ...createResourceBody.properties,
    publishDate: { type: 'string', format: 'date', description: '发布日期 CCYY-MM-DD; the import date when omitted' },
  },
} as const;

export const catalogFileSchema = {
  $id: 'https://sharehub.gov.cn/schemas/catalog-file.json',
  title: 'ShareHub catalog file',
  type: 'object',
  required: ['department', 'resources'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'ignored; lets editors find this schema' },
    department: {
      type: 'object',
      description: 'the providing department; registered when the hub does not know it yet',
      required: ['code', 'name', 'level'],
      additionalProperties: false,
      properties: {
        // The check character is checked with the cross-file rules (catalog-import.ts), so that a
        // wrong one is reported together with the file's other problems.
        code: { type: 'string', pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$', description: usccSchema.description },
        name: visibleTextSchema(200),
        level: departmentLevelSchema,
        parentCode: usccSchema,
      },
    },
    resources: { type: 'array', maxItems: 10_000, items: catalogResourceEntrySchema },
  },
} as const;
