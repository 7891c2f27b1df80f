import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, ERRORS, type ErrorCode, type FieldProblem } from '../lib/errors.js';
import { translatePgError } from '../lib/pg-errors.js';

declare module 'fastify' {
  interface FastifyReply {
    /** The problem code this reply was answered with, if any (for the metrics of data calls). */
    problemCode: ErrorCode | null;
  }
}

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

/** The problem+json body of an error; `instance` is the request id. */
export function problemBody(code: ErrorCode, detail: string, instance: string, status: number = ERRORS[code].status) {
  return { type: PROBLEM_TYPE_BASE + code.toLowerCase().replaceAll('_', '-'), title: ERRORS[code].title, status, detail, instance, code };
}

// Node's HTTP parser errors (llhttp codes), in words a client can act on.
const PARSE_ERRORS: Record<string, string> = {
  HPE_INVALID_HEADER_TOKEN: 'a header is malformed: a character not allowed in a header, or a folded (obs-fold) line',
  HPE_INVALID_VERSION: 'the request line is malformed or names an HTTP version other than 1.0 or 1.1 (lines end in CRLF)',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Content-Length is given twice with different values, or together with Transfer-Encoding',
  HPE_INVALID_CONTENT_LENGTH: 'Content-Length is not a number',
  HPE_INVALID_CHUNK_SIZE: 'a chunk size of the chunked body is not hexadecimal',
  HPE_INVALID_TRANSFER_ENCODING: 'Transfer-Encoding is not valid',
  HPE_INVALID_METHOD: 'the method is not valid',
  HPE_INVALID_URL: 'the request target is not valid',
  HPE_LF_EXPECTED: 'lines must end in CRLF',
  HPE_CR_EXPECTED: 'lines must end in CRLF',
};

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refused never becomes a Fastify
 * request, so the answer is written on the socket by hand: a complete HTTP/1.1 response with a
 * problem+json body, a request id of its own (header and `instance`), and Connection: close,
 * since the rest of the byte stream cannot be trusted.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const id = randomUUID();
  let code: ErrorCode = 'MALFORMED_REQUEST';
  let detail = `the request is not valid HTTP/1.1: ${PARSE_ERRORS[error.code ?? ''] ?? 'it could not be parsed'}`;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    code = 'HEADERS_TOO_LARGE';
    detail = 'the request line and headers exceed 16 KB';
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    code = 'REQUEST_TIMEOUT';
    detail = 'the request did not arrive in time';
  }
  const { status } = ERRORS[code];
  // Level info: a malformed request is the client's business, but an operator may want to see it.
  this.log.info({ reqId: id, parseError: error.code, status }, 'refused a request that is not valid HTTP');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(problemBody(code, detail, id));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`
    + 'Content-Type: application/problem+json; charset=utf-8\r\n'
    + `Content-Length: ${Buffer.byteLength(body)}\r\n`
    + `x-request-id: ${id}\r\n`
    + 'Connection: close\r\n\r\n'
    + body,
  );
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  detail: string,
  extra: { errors?: FieldProblem[]; [k: string]: unknown } = {},
  statusOverride?: number,
) {
  const status = statusOverride ?? ERRORS[code].status;
  reply.problemCode = code;
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ ...problemBody(code, detail, request.id, status), ...extra });
}

export default fp(
  async (app) => {
    app.decorateReply('problemCode', null);
    app.setErrorHandler((error: FastifyError & { validationContext?: string }, request, reply) => {
      if (error instanceof AppError) {
        // A refusal that ends (quota, Redis down) says when to come back: RFC 9110 Retry-After, in seconds.
        const { retryAfter, ...extra } = error.extra ?? {};
        if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
        return sendProblem(reply, request, error.code, error.message, { errors: error.errors, ...extra });
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
