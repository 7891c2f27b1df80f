import type { FastifyInstance } from 'fastify';
import { SHARED_SCHEMAS } from '../../schemas/index.js';

/**
 * Registers every shared schema once, by its `$id`: the serializer (fast-json-stringify) resolves
 * the routes' `$ref`s through them, and @fastify/swagger emits each as the component of that name.
 * The validators' ajv instances hold the same list (src/lib/validation.ts).
 */
export function registerSharedSchemas(app: FastifyInstance) {
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
}
