import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { maskCitizenId } from './lib/identifiers.js';

// Personal data never reaches the logs. Request bodies are never logged, and every line is
// checked as it is written (pino's streamWrite hook), after serializers and child bindings, at
// any depth: a value under a secret key is replaced by "[redacted]", and a 公民身份号码 anywhere
// in the line is masked. A line naming no secret key — nearly every line — costs one regular-
// expression test and a mask pass instead of pino's path redaction, which walked every logged
// object to two levels on each line and was the largest cost of the query path's access log.
const SECRET_KEYS = [
  'password', 'currentPassword', 'newPassword', 'token', 'accessToken', 'apiKey', 'secret', 'webhookSecret', 'idNumber', 'subjectId',
  'authorization', 'cookie', 'x-api-key',
];
const SECRET_KEY_SET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
const SECRET_KEY_IN_JSON = new RegExp(`"(?:${SECRET_KEYS.join('|')})"\\s*:`, 'i');
const CENSOR = '[redacted]';

const CITIZEN_ID_IN_TEXT = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;

export const maskIdNumbers = (text: string) => text.replace(CITIZEN_ID_IN_TEXT, (m) => maskCitizenId(m.toUpperCase()));

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = SECRET_KEY_SET.has(key.toLowerCase()) ? CENSOR : redactValue(inner);
  return out;
}

/** One serialized log line (pino writes one JSON object and a newline) as it may be written. */
export function redactLogLine(line: string): string {
  let out = line;
  if (SECRET_KEY_IN_JSON.test(line)) {
    try {
      out = `${JSON.stringify(redactValue(JSON.parse(line)))}\n`;
    } catch {
      out = `${JSON.stringify({ level: 40, time: Date.now(), msg: 'a log line naming a secret key was not JSON and was withheld' })}\n`;
    }
  }
  return maskIdNumbers(out);
}

const hooks = { streamWrite: redactLogLine };

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    hooks,
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({ method: req.method, url: req.url, id: req.id, ip: req.ip }),
    },
  };
}

/**
 * One access line per request, `request completed` with the request (method, URL with ids
 * masked, id, client address), the status and the time, instead of Fastify's two lines. Its
 * `incoming request` is logged at debug, for following a request that does not complete. Errors
 * are logged as Fastify logs them.
 */
export class AccessLogController extends LogController {
  override incomingRequest(request: FastifyRequest) {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/**
 * Where the process logs go: human-readable lines when stdout is a terminal (someone is watching
 * `sharehub start`), one JSON object a line otherwise (a log collector, a file, a pipe). Decided
 * by what stdout is, never by NODE_ENV. The JSON lines are written asynchronously (pino's
 * SonicBoom with `sync: false`): a write is handed to libuv, and the lines logged while it is under
 * way go out together in the next one, so a busy API does not block on a write(2) per line.
 * Nothing waits for a timer, and pino flushes what is pending at exit.
 */
export function logDestination(stdout: { isTTY?: boolean; fd?: number } & Partial<NodeJS.WritableStream> = process.stdout): NodeJS.WritableStream {
  if (!stdout.isTTY) return pino.destination({ dest: stdout.fd ?? 1, sync: false }) as unknown as NodeJS.WritableStream;
  return pretty({ destination: stdout as NodeJS.WritableStream, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

/** The process logger of the CLI, with the same redaction as the API's. */
export function createLogger(level: string, stream: NodeJS.WritableStream = logDestination()): Logger {
  return pino({ level, hooks }, stream);
}
