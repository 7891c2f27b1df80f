import { beforeAll, describe, expect, it } from 'vitest';
import { resolvedOpenApiDocument } from '../../helpers/openapi.js';
import { useTestApp } from '../../helpers/use-test-app.js';

type Operation = {
  tags?: string[];
  summary?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

// Every catalog route: method, OpenAPI path, the path/query parameters and whether it takes a body.
const ROUTES: [string, string, string[], boolean][] = [
  ['post', '/v1/resources', [], true],
  ['get', '/v1/resources', ['q', 'provider', 'category', 'shareType', 'subjectType', 'format', 'status', 'limit', 'offset'], false],
  ['get', '/v1/resources/{id}', ['id', 'version'], false],
  ['get', '/v1/resources/{id}/versions', ['id'], false],
  ['patch', '/v1/resources/{id}', ['id'], true],
  ['post', '/v1/resources/{id}/submit', ['id'], false],
  ['post', '/v1/resources/{id}/review', ['id'], true],
  ['post', '/v1/resources/{id}/deprecate', ['id'], true],
  ['get', '/v1/departments/{code}/responsibilities', ['code'], false],
  ['get', '/v1/catalog/export', ['format'], false],
];

describe('catalog OpenAPI document', () => {
  const ctx = useTestApp();
  let paths: Record<string, Record<string, Operation>>;
  beforeAll(async () => {
    paths = (await resolvedOpenApiDocument(ctx.app)).paths as typeof paths;
  });

  it.each(ROUTES)('%s %s has tags, a summary, its parameters and a schema for every response', (method, path, params, hasBody) => {
    const op = paths[path]?.[method];
    expect(op, `${method} ${path} is not documented`).toBeDefined();
    expect(op!.tags).toEqual(['catalog']);
    expect(op!.summary).toBeTruthy();
    const names = (op!.parameters ?? []).map((p) => p.name);
    for (const p of params) expect(names, `${method} ${path} parameter ${p}`).toContain(p);
    if (hasBody) expect(op!.requestBody?.content['application/json']?.schema).toBeDefined();
    const statuses = Object.keys(op!.responses);
    expect(statuses.some((s) => s.startsWith('2'))).toBe(true);
    expect(statuses).toContain('401');
    for (const [status, response] of Object.entries(op!.responses)) {
      // A 304 never has a body (RFC 9110 §15.4.5).
      if (status === '304') continue;
      expect(Object.values(response.content ?? {}).length, `${method} ${path} ${status} has no schema`).toBeGreaterThan(0);
    }
  });

  it('documents both export formats by content type', () => {
    const ok = paths['/v1/catalog/export']!.get!.responses['200']!;
    expect(Object.keys(ok.content!).sort()).toEqual(['application/ld+json', 'text/csv']);
  });

  it('documents the data item type codes and the masking grammar in the create schema', () => {
    const schema = JSON.stringify(paths['/v1/resources']!.post!.requestBody!.content['application/json']!.schema);
    expect(schema).toContain('C 字符 character');
    expect(schema).toContain('first:N,last:M');
  });
});
