import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { ERROR_RESPONSES, errorResponses } from '../../schemas/common.js';
import { publicBaseUrl } from '../config.js';

/** The tags of the operations, in the order the document lists them. */
const TAGS = [
  { name: 'identity', description: 'Sign-in, the caller, and the users of the departments' },
  { name: 'departments', description: 'The departments (by 统一社会信用代码) and their webhooks' },
  { name: 'systems', description: "A department's client systems and their API keys" },
  { name: 'catalog', description: 'The resource catalog (政务信息资源目录): drafting, review, search, responsibility lists and export' },
  { name: 'calendar', description: 'The working-day calendar deadlines are counted on' },
  { name: 'applications', description: 'Applications for data and their authorization workflow, with deadlines' },
  { name: 'grants', description: 'The grants an approved application creates' },
  { name: 'records', description: 'Data exchange: records read, batch-read and verified by systems under a grant; hosted records loaded by their providers' },
  { name: 'notifications', description: "A department's messages and their webhook delivery" },
  { name: 'operations', description: 'Health checks and dead letters, for those who run the hub' },
  { name: 'audit', description: 'The verifiable audit log: SM2-signed SM3 Merkle tree heads, proofs, verification, events' },
  { name: 'supervision', description: '效能监督 and 督办' },
];

type Operation = { responses?: Record<string, unknown>; parameters?: unknown[] };
type Document = {
  paths?: Record<string, Record<string, Operation>>;
  components?: { responses?: Record<string, unknown>; schemas?: Record<string, unknown>; parameters?: Record<string, unknown> };
};

/**
 * Success responses: "OK" rather than the generator's "Default Response", and a response that is
 * one shared schema (`$ref`) and repeats across operations (ApplicationDetail, Resource …) becomes a
 * `$ref` to one `components.responses` entry named after that schema.
 */
export function shareSuccessResponses<D extends Document>(doc: D): D {
  type Success = { description?: string; content?: Record<string, { schema?: { $ref?: string } }> };
  const operations = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item));
  const uses = new Map<string, number>();
  const sharedName = (r: Success) => {
    const keys = Object.keys(r.content ?? {});
    const ref = r.content?.['application/json']?.schema?.$ref;
    return keys.length === 1 && ref?.startsWith('#/components/schemas/') && Object.keys(r.content!['application/json']!.schema!).length === 1
      ? ref.slice('#/components/schemas/'.length) : undefined;
  };
  for (const op of operations) {
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      if (!/^2/.test(status)) continue;
      const r = response as Success;
      if (r.description === 'Default Response') r.description = 'OK';
      const name = sharedName(r);
      if (name) uses.set(name, (uses.get(name) ?? 0) + 1);
    }
  }
  const responses: Record<string, unknown> = {};
  for (const op of operations) {
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      const name = /^2/.test(status) ? sharedName(response as Success) : undefined;
      if (!name || (uses.get(name) ?? 0) < 2) continue;
      responses[name] = response;
      op.responses![status] = { $ref: `#/components/responses/${name}` };
    }
  }
  doc.components = { ...doc.components, responses: { ...doc.components?.responses, ...responses } };
  return doc;
}

/**
 * A parameter written out word for word by more than one operation (the uuid `id` in a path, the
 * page query, the data calls' x-case-id / x-operator-id / x-service-item headers) becomes a `$ref`
 * to one `components.parameters` entry named `<in>.<name>` (`.2`, `.3` … for a second different
 * parameter of the same place and name), so the document says it once.
 */
export function shareParameters<D extends Document>(doc: D): D {
  const uses = new Map<string, number>();
  const operations = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item));
  // `required: false` is OpenAPI's default for every parameter but a path one: said once is enough.
  for (const op of operations) {
    op.parameters = op.parameters?.map((p) => {
      const { required, ...rest } = p as { required?: boolean };
      return required === false ? rest : p;
    });
  }
  for (const op of operations) for (const p of op.parameters ?? []) uses.set(JSON.stringify(p), (uses.get(JSON.stringify(p)) ?? 0) + 1);
  const names = new Map<string, string>();
  const parameters: Record<string, unknown> = {};
  // Most used first, so the plain name goes to the commonest parameter of its place and name.
  for (const [text, count] of [...uses].sort((a, b) => b[1] - a[1])) {
    if (count < 2) continue;
    const p = JSON.parse(text) as { in: string; name: string };
    let name = `${p.in}.${p.name}`;
    for (let n = 2; name in parameters; n++) name = `${p.in}.${p.name}.${n}`;
    parameters[name] = p;
    names.set(text, name);
  }
  for (const op of operations) {
    op.parameters = op.parameters?.map((p) => {
      const name = names.get(JSON.stringify(p));
      return name ? { $ref: `#/components/parameters/${name}` } : p;
    });
  }
  doc.components = { ...doc.components, parameters: { ...doc.components?.parameters, ...parameters } };
  return doc;
}

/**
 * A request body or parameter that repeats a shared schema word for word (the catalog's create and
 * edit bodies embed DataItem and ControlParam, which stay inline in the validators because the
 * catalog file schema embeds those bodies under its own base URI) becomes a `$ref` to that
 * component, so the document says it once.
 */
export function referenceComponentCopies<D extends Document>(doc: D): D {
  const byText = new Map<string, string>();
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    const { $id: _id, ...rest } = schema as Record<string, unknown>;
    byText.set(JSON.stringify(rest), name);
  }
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(replace);
    if (node === null || typeof node !== 'object') return node;
    const name = byText.get(JSON.stringify(node));
    if (name) return { $ref: `#/components/schemas/${name}` };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, replace(v)]));
  };
  doc.paths = replace(doc.paths) as D['paths'];
  return doc;
}

/**
 * Every error response built by errorResponses() (schemas/common.ts) becomes a `$ref` to one
 * named response of `components.responses` (named by status: 400, 404 …): the same problem+json
 * response is not written out again under each of the document's operations.
 */
export function shareErrorResponses<D extends Document>(doc: D): D {
  const statuses = Object.keys(ERROR_RESPONSES).map(Number) as (keyof typeof ERROR_RESPONSES)[];
  const declared = errorResponses(...statuses);
  const responses: Record<string, unknown> = {};
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item)) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const code = Number(status) as keyof typeof ERROR_RESPONSES;
        if (!(code in declared)) continue;
        // fastify-swagger writes the `$ref` of the Problem schema out as a components path.
        const expected = JSON.stringify(declared[code]).replace('"$ref":"Problem"', '"$ref":"#/components/schemas/Problem"');
        if (JSON.stringify(response) !== expected) continue;
        const { name } = ERROR_RESPONSES[code];
        responses[name] = response;
        op.responses![status] = { $ref: `#/components/responses/${name}` };
      }
    }
  }
  doc.components = { ...doc.components, responses: { ...doc.components?.responses, ...responses } };
  return doc;
}

/**
 * OpenAPI 3.1 document at /docs/json, Swagger UI at /docs. The shared schemas (schemas/index.ts,
 * registered by src/plugins/schemas.ts) become the components named after their `$id`, and the
 * routes' `$ref`s point to them. OpenAPI 3.1, because its schemas are JSON Schema: the nullable
 * fields are `type: [X, 'null']` as in the validators.
 */
export async function registerSwagger(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ShareHub API',
        version: '1',
        description: 'Government data-sharing exchange hub: catalog, authorization workflow, data exchange and audit.',
        // package.json says UNLICENSED: proprietary, no SPDX identifier and no public licence text.
        license: { name: 'Proprietary' },
      },
      servers: [{ url: publicBaseUrl(app.config), description: 'this hub (PUBLIC_BASE_URL)' }],
      tags: TAGS,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A hub-issued or identity-provider JWT, or a system API key (shk_…)' },
        },
      },
      security: [{ bearer: [] }],
    },
    transformObject: (documents) =>
      ('openapiObject' in documents
        ? shareSuccessResponses(shareParameters(referenceComponentCopies(shareErrorResponses(documents.openapiObject as Document))))
        : documents.swaggerObject) as never,
    // Components are named after the shared schemas' `$id` (Problem, Application …), not def-N.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });
  // Its own encapsulated scope: the UI's routes are public and sit outside the auth hook.
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
