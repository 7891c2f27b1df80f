// The resource catalog (政务信息资源目录): metadata of DOMAIN.md §3 plus the hub's own attributes.
// Cross-field rules (unique item keys, legal basis for share types 2 and 3, subject key, delivery
// endpoint, …) are checked in src/modules/catalog/resource-validation.ts, which names each field.
import { ref, textSchema as plainTextSchema, timestampSchema, usccSchema, uuidSchema, visibleTextSchema } from './common.js';

/** 信息资源代码: 分类码/顺序码. 分类码 = 类 (1 基础, 2 主题, 3 部门) + 项 (2 digits) + 目 (3 digits) + 细目 (0–12 digits). */
export const RESOURCE_CODE_PATTERN = '^[1-3][0-9]{2}[0-9]{3}[0-9]{0,12}/[0-9]{1,10}$';
/** 信息资源分类码 alone (类 + 项 + 目 + 细目). */
export const CATEGORY_CODE_PATTERN = '^[1-3][0-9]{2}[0-9]{3}[0-9]{0,12}$';
// Free text: visibleTextSchema() where it must say something, plainTextSchema() where it may be
// blank (descriptions, the search query). Both refuse U+0000 and lone surrogates, which the
// database cannot hold as sent (schemas/common.ts, src/lib/validation.ts).
/** Masking rule grammar; see dataItemSchema.mask. */
export const MASK_PATTERN = '^(none|full|first:[1-9][0-9]?|last:[1-9][0-9]?|first:[1-9][0-9]?,last:[1-9][0-9]?)$';

export const DATA_TYPES = ['C', 'N', 'Y', 'D', 'T', 'L', 'M', 'G', 'B', 'I', 'F'] as const;
export const SENSITIVITY_LEVELS = ['public', 'internal', 'sensitive', 'highly_sensitive'] as const;
export const RESOURCE_FORMATS = ['electronic_file', 'spreadsheet', 'database', 'image', 'streaming_media', 'self_describing'] as const;
export const SHARE_METHODS = ['table', 'file', 'interface'] as const;
export const UPDATE_CYCLES = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'half_yearly', 'yearly', 'irregular'] as const;
export const SUBJECT_TYPES = ['person', 'legal_entity', 'none'] as const;
export const RESOURCE_STATUSES = ['draft', 'pending_review', 'published', 'deprecated'] as const;
export const VERSION_STATUSES = ['draft', 'pending_review', 'published', 'superseded'] as const;
/** What a search may ask of the newest version (a superseded version is never the newest). */
export const SEARCHABLE_VERSION_STATUSES = ['draft', 'pending_review', 'published'] as const satisfies readonly (typeof VERSION_STATUSES)[number][];
export const SHARE_TYPES = [1, 2, 3] as const;
export const DELIVERY_MODES = ['hosted', 'provider_api'] as const;

export const resourceStatusSchema = {
  $id: 'ResourceStatus',
  type: 'string',
  enum: RESOURCE_STATUSES,
  description: 'life cycle of the resource; applications are accepted while published',
} as const;
export const versionStatusSchema = { $id: 'VersionStatus', type: 'string', enum: VERSION_STATUSES } as const;

export const resourceCodeSchema = {
  type: 'string',
  pattern: RESOURCE_CODE_PATTERN,
  maxLength: 64,
  description: '信息资源代码 分类码/顺序码: 类 1|2|3, 项 2 digits, 目 3 digits, optional 细目 digits, "/", sequence digits; e.g. 101001/00001',
  example: '101001/00001',
} as const;

export const dataItemSchema = {
  type: 'object',
  description: '信息项: one data item (field) of the resource',
  required: ['key', 'name', 'type', 'length', 'sensitivity', 'mask'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: 'field key, unique within the resource; grants and records name fields by it' },
    name: { ...visibleTextSchema(100), description: '信息项名称' },
    type: {
      type: 'string',
      enum: DATA_TYPES,
      description: 'C 字符 character, N 数值 numeric, Y 货币 currency, D 日期 date, T 日期时间 date-time, L 逻辑 boolean, M 备注 memo, G 通用 general/binary, B 双精度 double, I 整型 integer, F 浮点 float',
    },
    length: { type: 'integer', minimum: 1, maximum: 2_147_483_647, description: 'maximum length: characters, digits, or bytes for G (通用, e.g. a licence file)' },
    sensitivity: {
      type: 'string',
      enum: SENSITIVITY_LEVELS,
      description: 'sensitivity level: public 公开, internal 内部, sensitive 敏感 (personal information), highly_sensitive 高度敏感 (敏感个人信息: ID numbers, health, finances)',
    },
    mask: {
      type: 'string',
      pattern: MASK_PATTERN,
      description: 'masking rule (脱敏) applied where the full value is not granted: "none" (value as is), "full" (every character '
        + 'replaced by *), "first:N" (keep the first N characters), "last:N" (keep the last N), "first:N,last:M" (keep both ends); '
        + 'N and M are 1–99 and must leave at least one character masked',
      example: 'first:6,last:4',
    },
    description: plainTextSchema(500),
    authoritativeSource: {
      type: 'object',
      required: ['resourceCode', 'itemKey'],
      additionalProperties: false,
      properties: { resourceCode: { type: 'string', pattern: RESOURCE_CODE_PATTERN }, itemKey: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' } },
    },
  },
} as const;

/** The data item as a named component of responses; request bodies (and catalog files) inline the shape. */
export const dataItemComponent = { $id: 'DataItem', ...dataItemSchema } as const;

export const controlParamSchema = {
  type: 'object',
  description: '管控参数: a parameter the service interface requires on every call (e.g. an authorisation letter number); any makes applications Route B',
  required: ['key', 'name'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' },
    name: visibleTextSchema(100),
    description: plainTextSchema(500),
  },
} as const;

export const controlParamComponent = { $id: 'ControlParam', ...controlParamSchema } as const;

export const deliverySchema = {
  type: 'object',
  description: 'how the hub serves the data: "hosted" (the provider loads records into the hub) or "provider_api" (the hub forwards to the endpoint)',
  required: ['mode'],
  additionalProperties: false,
  properties: {
    mode: { type: 'string', enum: DELIVERY_MODES },
    endpoint: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2048, description: 'required for provider_api, absent for hosted' },
  },
} as const;

export const contactSchema = {
  type: 'object',
  description: 'the responsible contact (共享责任人); phone or email required',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: visibleTextSchema(100),
    phone: { type: 'string', pattern: '^[0-9+() -]{5,30}$', maxLength: 30 },
    email: { type: 'string', format: 'email', maxLength: 200 },
  },
} as const;

const nameSchema = { ...visibleTextSchema(200), description: '信息资源名称' } as const;
const summarySchema = { ...visibleTextSchema(4000), description: '信息资源摘要' } as const;
const formatSchema = {
  type: 'string',
  enum: RESOURCE_FORMATS,
  description: '信息资源格式: electronic_file 电子文件, spreadsheet 电子表格, database 数据库, image 图形图像, streaming_media 流媒体, self_describing 自描述格式',
} as const;
const formatSubtypeSchema = { ...visibleTextSchema(100), description: 'sub-type, e.g. OFD, XLSX, PostgreSQL, JSON' } as const;
const shareTypeSchema = {
  type: 'integer',
  enum: SHARE_TYPES,
  description: '共享类型: 1 无条件共享 unconditional, 2 有条件共享 conditional, 3 不予共享 not shared',
} as const;
const textSchema = (description: string) => ({ ...visibleTextSchema(4000), description }) as const;
const shareMethodSchema = { type: 'string', enum: SHARE_METHODS, description: '共享方式: table 库表交换, file 文件, interface 接口' } as const;
const updateCycleSchema = { type: 'string', enum: UPDATE_CYCLES, description: '更新周期' } as const;
const subjectTypeSchema = {
  type: 'string',
  enum: SUBJECT_TYPES,
  description: 'whose records: person (keyed by 公民身份号码), legal_entity (by 统一社会信用代码), none',
} as const;
const subjectKeySchema = { type: 'string', maxLength: 64, description: 'the data item key holding the subject id; required unless subjectType is none' } as const;
const relatedCodesSchema = { type: 'array', maxItems: 50, uniqueItems: true, items: resourceCodeSchema, description: '关联资源代码' } as const;
const dataItemsSchema = { type: 'array', minItems: 1, maxItems: 500, items: dataItemSchema } as const;
const controlParamsSchema = { type: 'array', maxItems: 50, items: controlParamSchema } as const;

/** The metadata a department states for a resource version (also the shape of catalog files). */
const metadataProperties = {
  name: nameSchema,
  summary: summarySchema,
  format: formatSchema,
  formatSubtype: formatSubtypeSchema,
  dataItems: dataItemsSchema,
  shareType: shareTypeSchema,
  shareConditions: textSchema('共享条件; required for type 2, absent for type 1'),
  legalBasis: textSchema('共享依据 legal basis; required for types 2 and 3'),
  shareMethod: shareMethodSchema,
  openToPublic: { type: 'boolean', default: false, description: '开放属性: open to the public' },
  openConditions: textSchema('开放条件; only when openToPublic'),
  updateCycle: updateCycleSchema,
  relatedCodes: { ...relatedCodesSchema, default: [] },
  subjectType: subjectTypeSchema,
  subjectKey: subjectKeySchema,
  controlParams: { ...controlParamsSchema, default: [] },
  delivery: deliverySchema,
  contact: contactSchema,
} as const;

/** The fields of ResourceMetadata (src/modules/catalog/resource-validation.ts): the stated metadata and its category. */
export type MetadataField = keyof typeof metadataProperties | 'categoryCode';

const METADATA_REQUIRED = ['name', 'summary', 'format', 'dataItems', 'shareType', 'shareMethod', 'updateCycle', 'subjectType', 'delivery', 'contact'] as const;

export const createResourceBody = {
  type: 'object',
  description: "Drafts a resource of the caller's department",
  required: ['code', ...METADATA_REQUIRED],
  additionalProperties: false,
  properties: {
    code: resourceCodeSchema,
    categoryCode: { type: 'string', pattern: CATEGORY_CODE_PATTERN, description: '信息资源分类; must equal the 分类码 part of the code (derived from it when omitted)' },
    ...metadataProperties,
  },
} as const;

const nullable = <S extends { type: string }>(s: S) => ({ ...s, type: [s.type, 'null'] }) as const;

export const updateResourceBody = {
  type: 'object',
  description: 'Changes fields of the draft (top-level fields are replaced whole; null clears an optional one). '
    + 'On a published resource this drafts a new version; the code never changes.',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: nameSchema,
    summary: summarySchema,
    format: formatSchema,
    formatSubtype: nullable(formatSubtypeSchema),
    dataItems: dataItemsSchema,
    shareType: shareTypeSchema,
    shareConditions: nullable(textSchema('共享条件')),
    legalBasis: nullable(textSchema('共享依据')),
    shareMethod: shareMethodSchema,
    openToPublic: { type: 'boolean' },
    openConditions: nullable(textSchema('开放条件')),
    updateCycle: updateCycleSchema,
    relatedCodes: relatedCodesSchema,
    subjectType: subjectTypeSchema,
    subjectKey: nullable(subjectKeySchema),
    controlParams: controlParamsSchema,
    delivery: deliverySchema,
    contact: contactSchema,
  },
} as const;

export const reviewResourceBody = {
  type: 'object',
  required: ['decision'],
  additionalProperties: false,
  properties: {
    decision: { type: 'string', enum: ['publish', 'reject'] },
    reason: { ...visibleTextSchema(2000), description: 'required when rejecting' },
  },
} as const;

export const deprecateResourceBody = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: { reason: visibleTextSchema(2000) },
} as const;

export const resourceIdParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'the resource uuid, or its code URL-encoded (101001%2F00001)',
    },
  },
} as const;

export const getResourceQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    version: {
      type: 'integer',
      minimum: 1,
      // The column is a PostgreSQL integer.
      maximum: 2_147_483_647,
      description: 'a specific version; default: the published version, or the latest draft for those who may see drafts',
    },
  },
} as const;

const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;

/**
 * One version of a resource as a reader sees it. The provider's endpoint and review reasons are
 * shown to the owning department and the platform only.
 */
export const resourceSchema = {
  $id: 'Resource',
  type: 'object',
  required: ['id', 'code', 'providerCode', 'providerName', 'status', 'publishedVersion', 'latestVersion', 'version', 'versionStatus',
    'name', 'categoryCode', 'summary', 'format', 'formatSubtype', 'dataItems', 'shareType', 'shareConditions', 'legalBasis',
    'shareMethod', 'openToPublic', 'openConditions', 'updateCycle', 'publishDate', 'relatedCodes', 'subjectType', 'subjectKey',
    'controlParams', 'delivery', 'contact', 'submittedAt', 'reviewedAt', 'publishedAt', 'createdAt', 'updatedAt'],
  properties: {
    id: uuidSchema,
    code: { type: 'string' },
    providerCode: usccSchema,
    providerName: { type: 'string' },
    status: ref(resourceStatusSchema),
    publishedVersion: { type: ['integer', 'null'], description: 'the version applicants get and grants pin' },
    latestVersion: { type: 'integer', description: 'newest version; above publishedVersion while a revision is drafted or in review (shown to the owning department and the platform; others see publishedVersion)' },
    version: { type: 'integer', description: 'the version shown' },
    versionStatus: ref(versionStatusSchema),
    name: { type: 'string' },
    categoryCode: { type: 'string' },
    summary: { type: 'string' },
    format: { type: 'string', enum: RESOURCE_FORMATS },
    formatSubtype: { type: ['string', 'null'] },
    dataItems: { type: 'array', items: ref(dataItemComponent) },
    shareType: { type: 'integer', enum: SHARE_TYPES },
    shareConditions: { type: ['string', 'null'] },
    legalBasis: { type: ['string', 'null'] },
    shareMethod: { type: 'string', enum: SHARE_METHODS },
    openToPublic: { type: 'boolean' },
    openConditions: { type: ['string', 'null'] },
    updateCycle: { type: 'string', enum: UPDATE_CYCLES },
    publishDate: { type: ['string', 'null'], format: 'date', description: '发布日期 of this version (Asia/Shanghai)' },
    relatedCodes: { type: 'array', items: { type: 'string' } },
    subjectType: { type: 'string', enum: SUBJECT_TYPES },
    subjectKey: { type: ['string', 'null'] },
    controlParams: { type: 'array', items: ref(controlParamComponent) },
    // additionalProperties: false changes nothing in the reply (only what is declared is sent)
    // but makes ResourceMetadata, derived from this schema, exact.
    delivery: {
      type: 'object',
      required: ['mode'],
      additionalProperties: false,
      properties: {
        mode: { type: 'string', enum: DELIVERY_MODES },
        endpoint: { type: 'string', description: 'shown to the owning department and the platform only' },
      },
    },
    contact: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name: { type: 'string' }, phone: { type: 'string' }, email: { type: 'string' } },
    },
    reviewReason: { type: ['string', 'null'], description: 'reason of the last review decision; owning department and platform only' },
    submittedAt: nullableTimestamp,
    reviewedAt: nullableTimestamp,
    publishedAt: nullableTimestamp,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  },
} as const;

export const versionSummarySchema = {
  $id: 'VersionSummary',
  type: 'object',
  required: ['version', 'status', 'name', 'submittedAt', 'reviewedAt', 'publishedAt', 'createdAt', 'updatedAt'],
  properties: {
    version: { type: 'integer' },
    status: ref(versionStatusSchema),
    name: { type: 'string' },
    reviewReason: { type: ['string', 'null'], description: 'owning department and platform only' },
    submittedAt: nullableTimestamp,
    reviewedAt: nullableTimestamp,
    publishedAt: nullableTimestamp,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  },
} as const;

export const versionListSchema = {
  type: 'object',
  required: ['resourceId', 'code', 'publishedVersion', 'latestVersion', 'items'],
  properties: {
    resourceId: uuidSchema,
    code: { type: 'string' },
    publishedVersion: { type: ['integer', 'null'] },
    latestVersion: { type: 'integer' },
    items: { type: 'array', items: ref(versionSummarySchema) },
  },
} as const;

// ── search ────────────────────────────────────────────────────────────────────────────────

export const searchResourcesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: {
      type: 'string',
      maxLength: 100,
      description: 'substring search over name, summary and data-item names; no word segmentation, so any part of a word matches '
        + '(婚姻 finds 婚姻登记信息). Whitespace separates terms that must all match: at most 8, of which at most one may be a '
        + 'single character (a query of one character alone, such as 信, reads every entry and answers more slowly). '
        + 'Case-insensitive for Latin letters.',
    },
    provider: { ...usccSchema, description: 'provider department code (统一社会信用代码)' },
    category: { type: 'string', pattern: '^[1-3][0-9]{0,17}$', description: 'classification prefix: 1, 101, 101001, …' },
    shareType: { type: 'integer', enum: SHARE_TYPES },
    subjectType: { type: 'string', enum: SUBJECT_TYPES },
    format: { type: 'string', enum: RESOURCE_FORMATS },
    shareMethod: { type: 'string', enum: SHARE_METHODS },
    status: { type: 'string', enum: RESOURCE_STATUSES },
    latestStatus: {
      type: 'string',
      enum: SEARCHABLE_VERSION_STATUSES,
      description: "status of the newest version: 'pending_review' lists everything awaiting review, revisions of published resources "
        + "included. Revisions are seen by their department and the platform only: to others every resource's newest version is 'published'.",
    },
    openToPublic: { type: 'boolean' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 100_000, default: 0 },
  },
} as const;

export const resourceSummarySchema = {
  $id: 'ResourceSummary',
  type: 'object',
  required: ['id', 'code', 'name', 'providerCode', 'providerName', 'categoryCode', 'status', 'version', 'latestStatus', 'summary',
    'format', 'shareType', 'shareMethod', 'subjectType', 'openToPublic', 'updateCycle', 'publishedAt'],
  properties: {
    id: uuidSchema,
    code: { type: 'string' },
    name: { type: 'string' },
    providerCode: usccSchema,
    providerName: { type: 'string' },
    categoryCode: { type: 'string' },
    status: ref(resourceStatusSchema),
    version: { type: 'integer', description: 'the version the entry shows: the published one, else the latest draft' },
    latestStatus: { type: 'string', enum: VERSION_STATUSES, description: "status of the newest version; 'published' for other departments' resources (revisions are their department's business)" },
    summary: { type: 'string' },
    format: { type: 'string', enum: RESOURCE_FORMATS },
    shareType: { type: 'integer' },
    shareMethod: { type: 'string', enum: SHARE_METHODS },
    subjectType: { type: 'string', enum: SUBJECT_TYPES },
    openToPublic: { type: 'boolean' },
    updateCycle: { type: 'string', enum: UPDATE_CYCLES },
    publishedAt: nullableTimestamp,
  },
} as const;

/** One facet of a search: the counts per value (shared: the search reply has seven). */
export const facetSchema = {
  $id: 'Facet',
  type: 'array',
  items: {
    type: 'object',
    required: ['value', 'count'],
    properties: { value: { type: 'string' }, label: { type: 'string' }, count: { type: 'integer' } },
  },
} as const;

export const searchResultSchema = {
  type: 'object',
  required: ['items', 'total', 'limit', 'offset', 'facets'],
  properties: {
    items: { type: 'array', items: ref(resourceSummarySchema) },
    total: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    facets: {
      type: 'object',
      description: 'counts over every match of the current query and filters (not only this page); each facet sums to total. '
        + 'category counts by 类+项 (the first 3 digits).',
      required: ['provider', 'category', 'shareType', 'subjectType', 'format', 'shareMethod', 'status'],
      properties: {
        provider: ref(facetSchema),
        category: ref(facetSchema),
        shareType: ref(facetSchema),
        subjectType: ref(facetSchema),
        format: ref(facetSchema),
        shareMethod: ref(facetSchema),
        status: ref(facetSchema),
      },
    },
  },
} as const;

// ── responsibility list, export ───────────────────────────────────────────────────────────

export const responsibilityParams = {
  type: 'object',
  required: ['code'],
  additionalProperties: false,
  properties: { code: { ...usccSchema, description: "the department's 统一社会信用代码" } },
} as const;

export const responsibilityListSchema = {
  type: 'object',
  description: '共享责任清单: what the department provides, how often it updates it, and who answers for it',
  required: ['department', 'items', 'total'],
  properties: {
    department: {
      type: 'object',
      required: ['code', 'name'],
      properties: { code: usccSchema, name: { type: 'string' } },
    },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'code', 'name', 'status', 'version', 'shareType', 'shareMethod', 'updateCycle', 'lastUpdatedAt', 'contact'],
        properties: {
          id: uuidSchema,
          code: { type: 'string' },
          name: { type: 'string' },
          status: ref(resourceStatusSchema),
          version: { type: 'integer' },
          shareType: { type: 'integer' },
          shareMethod: { type: 'string', enum: SHARE_METHODS },
          updateCycle: { type: 'string', enum: UPDATE_CYCLES },
          lastUpdatedAt: { type: 'string', format: 'date-time', description: 'when the entry shown was last changed: its publication, or the last edit of an unpublished draft' },
          contact: resourceSchema.properties.contact,
        },
      },
    },
    total: { type: 'integer' },
  },
} as const;

export const exportQuery = {
  type: 'object',
  required: ['format'],
  additionalProperties: false,
  properties: {
    format: { type: 'string', enum: ['dcat', 'csv'], description: 'dcat: DCAT-AP JSON-LD of open resources (public); csv: the whole published catalog (signed-in users)' },
  },
} as const;

export const dcatDocumentSchema = {
  type: 'object',
  description: 'DCAT-AP catalog as JSON-LD: dcat:Catalog with dcat:Dataset entries and dcat:DataService for interface resources',
  required: ['@context', '@type', 'dct:title', 'dct:description', 'dct:publisher', 'dcat:dataset'],
  additionalProperties: true,
  properties: {
    '@context': { type: 'object', additionalProperties: true },
    '@id': { type: 'string' },
    '@type': { type: 'string' },
    'dct:title': { type: 'object', additionalProperties: true },
    'dct:description': { type: 'object', additionalProperties: true },
    'dct:publisher': { type: 'object', additionalProperties: true },
    'dcat:dataset': { type: 'array', items: { type: 'object', additionalProperties: true } },
    'dcat:service': { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;
