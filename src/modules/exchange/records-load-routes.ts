import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { resourceIdParams } from '../../../schemas/catalog.js';
import { AUTH_ERRORS, errorResponses, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import { bulkLoadHeaders, bulkLoadReplySchema, recordBody, recordParams, upsertRecordReply } from '../../../schemas/records-load.js';
import { AppError } from '../../lib/errors.js';
import { ctx } from '../context.js';
import { bulkLoad, deleteRecord, loaderOf, putRecord, recordKeyringOf } from './records-load-service.js';

const tags = ['records'];
const NDJSON = 'application/x-ndjson';

/** The media type without parameters, lower case. */
const mediaType = (request: FastifyRequest) => (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * Counts the bytes of a streamed body and fails it once it passes `limit`: the bulk body is never
 * held whole, so the framework's bodyLimit (which buffers) does not apply to it.
 */
function limited(body: Readable, limit: number): Readable {
  // A lazy generator: nothing is read before the loader asks, and its error reaches the loader's
  // loop (which rolls the load back) rather than an unlistened stream.
  async function* counted() {
    let seen = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > limit) throw new AppError('PAYLOAD_TOO_LARGE', `a bulk load is at most ${limit} bytes (BULK_LIMIT_BYTES)`);
      yield chunk;
    }
  }
  return Readable.from(counted(), { objectMode: false });
}

/** The provider side of hosted records: a system of the providing department writes them. */
export const recordsLoadRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  // NDJSON reaches the bulk handler as the raw stream, unread: the loader reads it line by line.
  app.addContentTypeParser(NDJSON, (_request, payload, done) => done(null, payload));

  app.put('/v1/resources/:id/records/:subjectId', {
    config: { roles: ['system'] },
    schema: {
      operationId: 'putRecord',
      tags,
      summary: "Load one hosted record (upsert) of the caller's department's published resource; previous values go to history",
      description: 'The body is the record: data item key → value, validated against the current published version; '
        + 'the subject key item must name the subject of the path. The reply holds no value of the record.',
      params: recordParams,
      body: recordBody,
      response: { 200: ref(upsertRecordReply), 201: ref(upsertRecordReply), ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request, reply) => {
    const result = await putRecord(ctx(request), recordKeyringOf(request.server.config), request.params.id, request.params.subjectId, request.body);
    return reply.code(result.outcome === 'inserted' ? 201 : 200).send(result);
  });

  app.delete('/v1/resources/:id/records/:subjectId', {
    config: { roles: ['system'] },
    schema: {
      operationId: 'deleteRecord',
      tags,
      summary: 'Tombstone a hosted record: consumers no longer find it; its values stay in history',
      params: recordParams,
      response: { 204: { type: 'null' }, ...errorResponses(...AUTH_ERRORS, 404, 409) },
    },
  }, async (request, reply) => {
    await deleteRecord(ctx(request), recordKeyringOf(request.server.config), request.params.id, request.params.subjectId);
    return reply.code(204).send(null);
  });

  app.post('/v1/resources/:id/records/bulk', {
    config: { roles: ['system'] },
    // Refused before a byte of the body is read: a wrong type or a declared size over the limit.
    onRequest: async (request) => {
      if (mediaType(request) !== NDJSON) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `a bulk load is ${NDJSON}: one JSON record per line`);
      const declared = Number(request.headers['content-length'] ?? 0);
      const limit = request.server.config.BULK_LIMIT_BYTES;
      if (declared > limit) throw new AppError('PAYLOAD_TOO_LARGE', `a bulk load is at most ${limit} bytes (BULK_LIMIT_BYTES)`);
    },
    schema: {
      operationId: 'bulkLoadRecords',
      tags,
      summary: 'Load many hosted records from an NDJSON stream: per-line validation, good lines loaded in one transaction',
      description: 'Content-Type application/x-ndjson, one record per line, at most BULK_LIMIT_BYTES. A bad line is rejected and reported '
        + '(line, field, problem); every good line is loaded; the load commits whole or not at all. With an Idempotency-Key '
        + '(optional; per system and resource) a retry with the same body answers the first reply and changes nothing; '
        + 'the same key with another body is 409.',
      params: resourceIdParams,
      headers: bulkLoadHeaders,
      response: { 200: bulkLoadReplySchema, ...errorResponses(...AUTH_ERRORS, 404, 409, 413, 415) },
    },
  }, async (request) => {
    const c = ctx(request);
    const body = limited(request.body as Readable, request.server.config.BULK_LIMIT_BYTES);
    const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
    return bulkLoad(c, recordKeyringOf(request.server.config), loaderOf(c.actor), request.params.id, body, { idempotencyKey });
  });
};
