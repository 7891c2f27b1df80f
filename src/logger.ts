import type { FastifyServerOptions } from 'fastify';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { maskCitizenId } from './lib/identifiers.js';

// Personal data never reaches the logs: request bodies are never logged, secrets are redacted by
// path, and 公民身份号码 in URLs (record routes take them as path parameters) are masked.
const SECRET_KEYS = ['password', 'currentPassword', 'newPassword', 'token', 'accessToken', 'apiKey', 'secret', 'webhookSecret', 'idNumber', 'subjectId'];

// pino's `*` matches one level, so each key is listed at the top and two levels down.
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

const CITIZEN_ID_IN_TEXT = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;

export const maskIdNumbers = (text: string) => text.replace(CITIZEN_ID_IN_TEXT, (m) => maskCitizenId(m.toUpperCase()));

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({
        method: req.method,
        url: maskIdNumbers(req.url),
        id: req.id,
        ip: req.ip,
      }),
    },
  };
}

/**
 * Where the process logs go: human-readable lines when stdout is a terminal (someone is watching
 * `sharehub start`), one JSON object a line otherwise (a log collector, a file, a pipe). Decided
 * by what stdout is, never by NODE_ENV. Written synchronously, so nothing is lost at exit.
 */
export function logDestination(stdout: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): NodeJS.WritableStream | undefined {
  if (!stdout.isTTY) return undefined;
  return pretty({ destination: stdout, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

/** The process logger of the CLI, with the same redaction as the API's. */
export function createLogger(level: string, stream: NodeJS.WritableStream | undefined = logDestination()): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return stream ? pino(options, stream) : pino(options);
}
