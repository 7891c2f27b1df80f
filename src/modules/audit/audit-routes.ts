import type { FastifyPluginAsync } from 'fastify';
import { AUTH_ERRORS, errorResponses, ref } from '../../../schemas/common.js';
import type { SchemaTypeProvider } from '../../../schemas/index.js';
import {
  accessLogQuery, accessLogSchema, auditEventListSchema, listAuditEventsQuery, auditKeySchema, consistencyProofSchema, consistencyQuery, cosignatureBody, cosignatureParams, headQuery, inclusionProofSchema,
  inclusionQuery, treeHeadSchema, verifyReportSchema,
} from '../../../schemas/audit.js';
import { previousSecretKeys } from '../../config.js';
import { deriveKeys } from '../../lib/crypto.js';
import { SM2_DEFAULT_USER_ID, sm2PublicKeyToPem } from '../../lib/sm2.js';
import { subjectAccessLog } from './access-log.js';
import { listAuditEvents, streamAuditEventsCsv } from './audit-events.js';
import { ctx } from '../context.js';
import { recordEvent } from './events.js';
import { auditSigningKey, logOrigin, trustedAuditKeys, witnessKeys } from './tree-head.js';
import { addCosignature, getConsistencyProof, getHead, getInclusionProof } from './tree-service.js';
import { verifyLog } from './verify.js';

const tags = ['audit'];

export const auditRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const origin = logOrigin(app.config);
  const signingKey = auditSigningKey(app.config);
  const witnesses = witnessKeys(app.config);
  const subjectKeys = [app.keys, ...previousSecretKeys(app.config).map(deriveKeys)];

  app.get('/v1/audit/public-key', {
    config: { public: true },
    schema: {
      operationId: 'getAuditPublicKey', tags,
      summary: 'The SM2 key that signs tree heads, and the witnesses',
      response: { 200: auditKeySchema, ...errorResponses(400) },
    },
  }, async () => ({
    origin,
    algorithm: 'SM2 (GB/T 32918.2-2016) with SM3, over the checkpoint text',
    userId: SM2_DEFAULT_USER_ID,
    publicKey: signingKey.publicKey,
    publicKeyPem: sm2PublicKeyToPem(signingKey.publicKey),
    trustedPublicKeys: trustedAuditKeys(app.config),
    witnesses: [...witnesses].map(([name, publicKey]) => ({ name, publicKey })),
  }));

  app.get('/v1/audit/tree-heads/latest', {
    config: { public: true },
    schema: {
      operationId: 'getLatestTreeHead', tags, summary: 'The latest signed tree head',
      response: { 200: ref(treeHeadSchema), ...errorResponses(404) },
    },
  }, async () => getHead(app.db, origin));

  app.get('/v1/audit/tree-heads', {
    config: { public: true },
    schema: {
      operationId: 'getTreeHead', tags, summary: 'The signed tree head of a size',
      querystring: headQuery,
      response: { 200: ref(treeHeadSchema), ...errorResponses(400, 404) },
    },
  }, async (request) => getHead(app.db, origin, request.query.size));

  app.post('/v1/audit/tree-heads/:size/cosignatures', {
    // Authenticated by the signature itself: only a configured witness's SM2 key is accepted.
    config: { public: true },
    schema: {
      operationId: 'addTreeHeadCosignature', tags,
      summary: "A configured witness's SM2 countersignature of a head",
      params: cosignatureParams,
      body: cosignatureBody,
      response: { 200: ref(treeHeadSchema), ...errorResponses(400, 403, 404) },
    },
  }, async (request) => addCosignature(app.db, { origin, witnesses, now: app.clock() }, request.params.size, request.body));

  app.get('/v1/audit/proofs/inclusion', {
    config: { roles: ['auditor'] },
    schema: {
      operationId: 'getInclusionProof', tags, summary: 'Inclusion proof of an event',
      querystring: inclusionQuery,
      response: { 200: ref(inclusionProofSchema), ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request) => {
    const c = ctx(request);
    const proof = await getInclusionProof(c.db, request.query.event, request.query.size);
    await recordEvent(c.db, { actor: c.actor, entityType: 'audit', entityId: String(request.query.event), action: 'audit.proof_read', requestId: c.requestId });
    return proof;
  });

  app.get('/v1/audit/proofs/consistency', {
    config: { public: true },
    schema: {
      operationId: 'getConsistencyProof', tags,
      summary: 'Consistency proof between two signed heads',
      querystring: consistencyQuery,
      response: { 200: consistencyProofSchema, ...errorResponses(400, 404) },
    },
  }, async (request) => getConsistencyProof(app.db, request.query.from, request.query.to));

  app.get('/v1/audit/verify', {
    config: { roles: ['auditor'] },
    schema: {
      operationId: 'verifyAuditLog', tags,
      summary: 'Verify the log; name the first event that differs',
      response: { 200: verifyReportSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request) => {
    const c = ctx(request);
    const report = await verifyLog(c.db, { origin, trustedKeys: trustedAuditKeys(app.config) });
    await recordEvent(c.db, {
      actor: c.actor, entityType: 'audit', entityId: 'log', action: 'audit.verified', outcome: report.ok ? 'success' : 'failure', requestId: c.requestId,
      details: { treeSize: report.treeSize, firstDifference: report.firstDifference?.seq ?? report.firstDifference?.eventId ?? null },
    });
    return report;
  });

  app.get('/v1/audit/events', {
    config: { roles: ['auditor', 'platform_admin'] },
    schema: {
      operationId: 'listAuditEvents', tags,
      summary: 'The trail, newest first (admins: share requests and data access); format=csv streams all',
      querystring: listAuditEventsQuery,
      response: { 200: auditEventListSchema, ...errorResponses(...AUTH_ERRORS) },
    },
  }, async (request, reply) => {
    const { format, limit, cursor, ...filters } = request.query;
    const c = ctx(request);
    if (format === 'csv') {
      const stream = await streamAuditEventsCsv(c, filters, subjectKeys);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit-events.csv"').send(stream as never);
    }
    return listAuditEvents(c, filters, { limit, cursor }, subjectKeys);
  });

  app.get('/v1/me/access-log', {
    config: { subject: true },
    schema: {
      operationId: 'getMyAccessLog', tags,
      summary: 'Who read my records: each access with its inclusion proof, counted per subject',
      querystring: accessLogQuery,
      response: { 200: accessLogSchema, ...errorResponses(...AUTH_ERRORS, 404) },
    },
  }, async (request) => subjectAccessLog(app.db, { origin, signer: signingKey, keys: subjectKeys, now: app.clock(), requestId: request.id },
    request.dataSubjectId, request.query));
};
