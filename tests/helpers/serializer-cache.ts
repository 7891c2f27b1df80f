import { SerializerSelector, type SerializerCompiler, type Serializer } from '@fastify/fast-json-stringify-compiler';

// Building an app compiles a serializer for every route's response schema with fast-json-stringify:
// about half a second, most of an app's start. A test process builds one app per test file from the
// same route definitions and shared schemas, so it compiles each serializer once and reuses it. The
// key is the schema's text with the shared schemas' text: a schema that differs in anything is
// compiled anew (route options build their schema objects afresh in every app, so the objects
// themselves cannot be the key).
const compiled = new Map<string, Serializer>();
const contexts = new Map<string, number>(); // the shared schemas' text → a short name for keys
const buildSerializer = SerializerSelector();

export function cachingSerializerFactory(externalSchemas?: unknown, options?: Parameters<typeof buildSerializer>[1]): SerializerCompiler {
  const compile = buildSerializer(externalSchemas, options);
  const contextText = JSON.stringify([externalSchemas, options]);
  const context = contexts.get(contextText) ?? contexts.set(contextText, contexts.size).size - 1;
  return (route) => {
    const key = `${context}\n${JSON.stringify(route.schema)}`;
    let serializer = compiled.get(key);
    if (!serializer) {
      serializer = compile(route);
      compiled.set(key, serializer);
    }
    return serializer;
  };
}

/** Fastify's schemaController option that uses the cache. */
export const cachedSchemaController = { compilersFactory: { buildSerializer: cachingSerializerFactory } };
