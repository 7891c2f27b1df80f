import type { FastifyInstance } from 'fastify';

// The OpenAPI document names its shared parts (components.schemas, components.responses) and
// points to them with `$ref`. Tests that look inside an operation read it with those `$ref`s
// replaced by what they point to.

/** A copy of `node` in which every local `$ref` (#/components/…) is replaced by its target. */
export function resolveRefs(node: unknown, doc: unknown, seen: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => resolveRefs(n, doc, seen));
  if (typeof node !== 'object' || node === null) return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  if (typeof $ref === 'string' && $ref.startsWith('#/')) {
    if (seen.includes($ref)) throw new Error(`circular $ref ${$ref}`);
    const target = $ref.slice(2).split('/').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], doc);
    if (target === undefined) throw new Error(`unresolved $ref ${$ref}`);
    return resolveRefs({ ...(target as object), ...rest }, doc, [...seen, $ref]);
  }
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, resolveRefs(v, doc, seen)]));
}

/** /docs/json as served. */
export async function openApiDocument(app: FastifyInstance) {
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  if (res.statusCode !== 200) throw new Error(`/docs/json answered ${res.statusCode}`);
  return { body: res.body, doc: res.json() as Record<string, unknown> };
}

/** /docs/json with every local `$ref` resolved. */
export async function resolvedOpenApiDocument(app: FastifyInstance) {
  const { doc } = await openApiDocument(app);
  return resolveRefs(doc, doc) as { paths: Record<string, Record<string, unknown>> } & Record<string, unknown>;
}
