import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, ERRORS, type ErrorCode, type FieldProblem } from '../lib/errors.js';
import { translatePgError } from '../lib/pg-errors.js';

const PROBLEM_TYPE_BASE = 'https://sharehub.gov.cn/problems/';

// Fastify's own client errors, by code, mapped onto the registry.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
};

interface AjvLikeError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns ajv errors into JSON pointers that name the offending field. */
export function validationProblems(context: string, errors: AjvLikeError[]): FieldProblem[] {
  return errors.map((e) => {
    const base = `/${context}${e.instancePath}`;
    if (e.keyword === 'additionalProperties') {
      const field = String(e.params.additionalProperty);
      return { pointer: `${base}/${field}`, message: `unknown field '${field}'` };
    }
    if (e.keyword === 'required') {
      const field = String(e.params.missingProperty);
      return { pointer: `${base}/${field}`, message: `'${field}' is required` };
    }
    return { pointer: base, message: e.message ?? 'is invalid' };
  });
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  detail: string,
  extra: { errors?: FieldProblem[]; [k: string]: unknown } = {},
  statusOverride?: number,
) {
  const { title } = ERRORS[code];
  const status = statusOverride ?? ERRORS[code].status;
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: PROBLEM_TYPE_BASE + code.toLowerCase().replaceAll('_', '-'), title, status, detail, instance: request.id, code, ...extra });
}

export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError & { validationContext?: string }, request, reply) => {
      if (error instanceof AppError) {
        return sendProblem(reply, request, error.code, error.message, { errors: error.errors, ...error.extra });
      }
      if (error.validation) {
        const errors = validationProblems(error.validationContext ?? 'body', error.validation as AjvLikeError[]);
        return sendProblem(reply, request, 'VALIDATION_FAILED', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), { errors });
      }
      const pg = translatePgError(error);
      if (pg) return sendProblem(reply, request, pg.code, pg.message, { errors: pg.errors, ...pg.extra });
      const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
      if (mapped) return sendProblem(reply, request, mapped, error.message);
      // The JSON parser's own errors carry a 400; a SyntaxError thrown by our code is a bug (500).
      if (error instanceof SyntaxError && error.statusCode === 400) return sendProblem(reply, request, 'MALFORMED_JSON', error.message);
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        // Keep the status the framework chose (406, 431 …) even where the registry has no code of its own.
        const code = (Object.keys(ERRORS) as ErrorCode[]).find((c) => ERRORS[c].status === error.statusCode) ?? 'CLIENT_ERROR';
        return sendProblem(reply, request, code, error.message, {}, error.statusCode);
      }
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(reply, request, 'INTERNAL', 'an internal error occurred; quote the request id to the operators');
    });

    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, request, 'ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
    );
  },
  { name: 'errors' },
);
