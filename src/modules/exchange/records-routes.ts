import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { errorResponses, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import {
  batchGetBody,
  batchReplySchema,
  queryHeadersSchema,
  readRecordQuery,
  recordParamsSchema,
  recordReplySchema,
  resourceParamsSchema,
  verifyBody,
  verifyReplySchema,
} from '../../../schemas/records.js';
import { previousSecretKeys } from '../../config.js';
import { deriveKeys } from '../../lib/crypto.js';
import { createAccessAppender } from '../audit/access-events.js';
import { ctx } from '../context.js';
import { GrantCache } from './grant-check.js';
import { redisDailyCounters } from './quota.js';
import { recordKeyring } from './record-keys.js';
import { ProviderForwarder } from './sources/provider-api.js';
import { batchGetRecords, readRecord, verifyRecord, type ExchangeDeps, type QueryHeaders } from './records-service.js';

const tags = ['records'];
/** Every status the data calls can answer besides 200 (429: quota or verify limit; 503: Redis down or a provider's breaker open; 502/504: a provider's endpoint failed). */
const DATA_ERRORS = errorResponses(400, 401, 403, 404, 429, 502, 503, 504);

const queryHeaders = (request: FastifyRequest): QueryHeaders => ({
  caseId: request.headers['x-case-id'] as string,
  operatorId: request.headers['x-operator-id'] as string,
  serviceItem: request.headers['x-service-item'] as string,
});

export const recordsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const grants = new GrantCache();
  const appender = createAccessAppender(app.db);
  const deps: ExchangeDeps = {
    keyring: recordKeyring(app.keys, previousSecretKeys(app.config).map(deriveKeys)),
    grants,
    counters: redisDailyCounters(app.redis, `${app.config.QUEUE_PREFIX}:exchange`),
    appender,
    clock: app.clock,
    verifyDailyLimit: app.config.VERIFY_DAILY_LIMIT_PER_SUBJECT,
    forwarder: new ProviderForwarder({
      timeoutMs: app.config.PROVIDER_TIMEOUT_MS,
      breakerFailures: app.config.PROVIDER_BREAKER_FAILURES,
      halfOpenAfterMs: app.config.PROVIDER_BREAKER_HALF_OPEN_MS,
      maxReplyBytes: app.config.PROVIDER_REPLY_LIMIT_BYTES,
      allowLoopback: app.config.OUTBOUND_ALLOW_LOOPBACK,
    }, app.keys, app.clock),
  };
  // A grant revoked on any replica is dropped here at once; after a lost subscription, all of them.
  app.invalidation.subscribe((m) => {
    if (m.kind === 'grant') grants.invalidate(m.systemId, m.resourceId);
    else if (m.kind === 'all') grants.clear();
  });
  app.addHook('onClose', async () => appender.close());

  app.get('/v1/resources/:id/records/:subjectId', {
    config: { roles: ['system'] },
    schema: {
      operationId: 'getRecord',
      tags,
      summary: "Read one subject's record: granted fields only, masked per data item; audited",
      params: recordParamsSchema,
      headers: queryHeadersSchema,
      querystring: readRecordQuery,
      response: { 200: ref(recordReplySchema), ...DATA_ERRORS },
    },
  }, async (request) => {
    const fields = request.query.fields?.split(',').filter((f) => f !== '');
    return readRecord(ctx(request), deps, {
      resourceId: request.params.id, subjectId: request.params.subjectId, fields, headers: queryHeaders(request),
    });
  });

  app.post('/v1/resources/:id/records/batch-get', {
    config: { roles: ['system'] },
    schema: {
      operationId: 'batchGetRecords',
      tags,
      summary: 'Read up to 1,000 subjects: one result and one audit event per id; each valid id counts against the quota',
      params: resourceParamsSchema,
      headers: queryHeadersSchema,
      body: batchGetBody,
      response: { 200: batchReplySchema, ...DATA_ERRORS },
    },
  }, async (request) => batchGetRecords(ctx(request), deps, {
    resourceId: request.params.id, ids: request.body.ids, fields: request.body.fields, headers: queryHeaders(request),
  }));

  app.post('/v1/resources/:id/records/verify', {
    config: { roles: ['system'] },
    schema: {
      operationId: 'verifyRecord',
      tags,
      summary: '核验: whether claimed values equal the record\'s, never a value; limited per subject per day',
      params: resourceParamsSchema,
      headers: queryHeadersSchema,
      body: verifyBody,
      response: { 200: verifyReplySchema, ...DATA_ERRORS },
    },
  }, async (request) => verifyRecord(ctx(request), deps, {
    resourceId: request.params.id, id: request.body.id, claims: request.body.claims as Record<string, string | number | boolean>, headers: queryHeaders(request),
  }));
};
