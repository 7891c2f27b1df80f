import { Ajv } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';

// One environment schema for every process (api, worker, scheduler, cli). Every key is
// listed in .env.example with its default. Behaviour never switches on NODE_ENV.
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    HOST: { type: 'string', default: '127.0.0.1', minLength: 1 },
    PORT: { type: 'integer', default: 3000, minimum: 0, maximum: 65535 },
    // The hub's address as the public reaches it (behind a proxy, say), for the links of public
    // documents such as the DCAT export; without a query or fragment. Default: see publicBaseUrl().
    PUBLIC_BASE_URL: { type: 'string', pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$' },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://' },
    REDIS_URL: { type: 'string', pattern: '^rediss?://' },
    SHAREHUB_DATA_DIR: { type: 'string', default: '.sharehub', minLength: 1 },
    SHAREHUB_SECRET_KEY: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    // Master keys this hub used before SHAREHUB_SECRET_KEY, comma-separated, newest first: hosted
    // records sealed under them stay readable until `sharehub records reseal` has moved them to the
    // current key (src/modules/exchange/README.md, "Key rotation"). Never used to write.
    SHAREHUB_PREVIOUS_SECRET_KEYS: { type: 'string', pattern: '^[0-9a-f]{64}(,[0-9a-f]{64})*$' },
    SHAREHUB_ADMIN_PASSWORD: { type: 'string', minLength: 12 },
    // `sharehub user create` takes the new user's password from here rather than the command line.
    SHAREHUB_NEW_USER_PASSWORD: { type: 'string', minLength: 12 },
    QUEUE_PREFIX: { type: 'string', default: 'sharehub', pattern: '^[A-Za-z0-9_-]+$' },
    BODY_LIMIT_BYTES: { type: 'integer', default: 1_048_576, minimum: 1024 },
    // POST …/records/bulk streams its NDJSON body (not held in memory), so it has its own limit.
    BULK_LIMIT_BYTES: { type: 'integer', default: 536_870_912, minimum: 1024 },
    JWT_TTL_SECONDS: { type: 'integer', default: 900, minimum: 60, maximum: 86_400 },
    JWT_ISSUER: { type: 'string', default: 'sharehub', minLength: 1 },
    // https only: a JWKS fetched in clear could be swapped by anyone on the path (loopback excepted, for tests).
    IDP_JWKS_URL: { type: 'string', pattern: '^(https://|http://(127\\.0\\.0\\.1|localhost)[:/])' },
    IDP_PUBLIC_KEY: { type: 'string', pattern: '-----BEGIN PUBLIC KEY-----' },
    IDP_ISSUER: { type: 'string', minLength: 1 },
    IDP_AUDIENCE: { type: 'string', minLength: 1 },
    IDP_USERNAME_CLAIM: { type: 'string', default: 'preferred_username', minLength: 1 },
    // The identity provider's claim holding a citizen's 公民身份号码 or a company's 统一社会信用代码:
    // a token carrying it signs its holder in as that data subject (GET /v1/me/access-log). Unset:
    // no data subject can sign in.
    IDP_SUBJECT_ID_CLAIM: { type: 'string', minLength: 1 },
    // Where the web console sends a citizen or company to sign in (the identity provider's OAuth 2.0
    // authorization endpoint, with its client_id and scope in the query). The console adds
    // response_type=token, redirect_uri (<console>/citizen/callback) and state; the provider sends
    // the browser back with #access_token=<JWT>&state=… (RFC 6749 §4.2.2). Unset: the console's
    // 以个人/企业身份登录 page says that sign-in is not offered.
    IDP_SIGN_IN_URL: { type: 'string', pattern: '^(https://|http://(127\\.0\\.0\\.1|localhost)[:/])' },
    PLATFORM_DEPARTMENT_CODE: { type: 'string', default: '11330000MB0000000H', pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$' },
    PLATFORM_DEPARTMENT_NAME: { type: 'string', default: '政务数据共享平台', minLength: 1 },
    // Deadlines of the authorization workflow, in working days (DOMAIN.md §1; provinces differ).
    REVIEW_WORKING_DAYS: { type: 'integer', default: 3, minimum: 1, maximum: 60 },
    PROVISION_WORKING_DAYS: { type: 'integer', default: 3, minimum: 1, maximum: 60 },
    PROVIDER_DECISION_WORKING_DAYS: { type: 'integer', default: 10, minimum: 1, maximum: 60 },
    COORDINATION_WORKING_DAYS: { type: 'integer', default: 10, minimum: 1, maximum: 60 },
    WARNING_WORKING_DAYS: { type: 'integer', default: 1, minimum: 0, maximum: 30 },
    // 纠错: working days a providing department has to decide a consumer's objection to a field.
    OBJECTION_WORKING_DAYS: { type: 'integer', default: 5, minimum: 1, maximum: 60 },
    GRANT_EXPIRY_NOTICE_WORKING_DAYS: { type: 'integer', default: 10, minimum: 1, maximum: 120 },
    GRANT_MAX_VALIDITY_DAYS: { type: 'integer', default: 1096, minimum: 1, maximum: 3660 },
    // Webhooks to departments and provisioning retries (exponential backoff with jitter).
    WEBHOOK_TIMEOUT_MS: { type: 'integer', default: 5000, minimum: 100, maximum: 60_000 },
    WEBHOOK_MAX_ATTEMPTS: { type: 'integer', default: 12, minimum: 1, maximum: 50 },
    WEBHOOK_BACKOFF_MS: { type: 'integer', default: 10_000, minimum: 1, maximum: 3_600_000 },
    // Outbound calls to department URLs refuse loopback (where the embedded PostgreSQL and Redis
    // listen) unless this is set; link-local, unspecified and multicast are refused always.
    OUTBOUND_ALLOW_LOOPBACK: { type: 'boolean', default: false },
    PROVISION_MAX_ATTEMPTS: { type: 'integer', default: 8, minimum: 1, maximum: 50 },
    PROVISION_BACKOFF_MS: { type: 'integer', default: 30_000, minimum: 1, maximum: 3_600_000 },
    // Outbox relay: how often it looks for new rows, and when a queued row whose job may have
    // been lost with Redis is handed to the queue again (same job id, so never twice).
    OUTBOX_POLL_MS: { type: 'integer', default: 1000, minimum: 10, maximum: 60_000 },
    OUTBOX_REQUEUE_AFTER_MS: { type: 'integer', default: 300_000, minimum: 100, maximum: 86_400_000 },
    // node-cron pattern (Asia/Shanghai) of the deadline, grant-expiry and provisioning sweeps.
    SWEEP_CRON: { type: 'string', default: '* * * * *', minLength: 9 },
    // 核验 (POST …/records/verify): verifications of one subject by one system per Asia/Shanghai
    // day, so that verify cannot be used to guess a value.
    VERIFY_DAILY_LIMIT_PER_SUBJECT: { type: 'integer', default: 20, minimum: 1, maximum: 10_000 },
    // Queries forwarded to providers' endpoints (provider_api resources): the whole exchange's
    // timeout (504 past it), the consecutive failures that open an endpoint's circuit breaker
    // (503 at once while open), how long it stays open, and the largest reply read.
    PROVIDER_TIMEOUT_MS: { type: 'integer', default: 3000, minimum: 50, maximum: 60_000 },
    PROVIDER_BREAKER_FAILURES: { type: 'integer', default: 5, minimum: 1, maximum: 1000 },
    PROVIDER_BREAKER_HALF_OPEN_MS: { type: 'integer', default: 30_000, minimum: 100, maximum: 3_600_000 },
    PROVIDER_REPLY_LIMIT_BYTES: { type: 'integer', default: 16_777_216, minimum: 1024, maximum: 268_435_456 },
    // The role that owns the schema and runs migrations (src/runtime/db-roles.ts). When set, the
    // hub migrates as it and grants DATABASE_URL's role what it needs — but never UPDATE, DELETE
    // or TRUNCATE on the audit trail. Unset: migrations run as DATABASE_URL's role (only the
    // append-only triggers protect the trail then; start-up warns).
    DATABASE_OWNER_URL: { type: 'string', pattern: '^postgres(ql)?://' },
    // Audit log (issue 11): how often the sealer extends the Merkle tree and signs a head; the
    // most events one round seals; the SM2 signing key (64 hex; default derived from the master
    // secret); public keys of keys used before (comma-separated 04… hex); witnesses allowed to
    // countersign heads (`name=04…`, comma-separated); a file the heads are appended to (NDJSON)
    // for a deployment to publish.
    AUDIT_SEAL_INTERVAL_MS: { type: 'integer', default: 2000, minimum: 100, maximum: 600_000 },
    AUDIT_SEAL_MAX_EVENTS: { type: 'integer', default: 50_000, minimum: 1, maximum: 1_000_000 },
    AUDIT_SM2_PRIVATE_KEY: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
    AUDIT_SM2_PREVIOUS_PUBLIC_KEYS: { type: 'string', pattern: '^04[0-9a-fA-F]{128}(,04[0-9a-fA-F]{128})*$' },
    AUDIT_WITNESS_KEYS: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}=04[0-9a-fA-F]{128}(,[A-Za-z0-9._-]{1,64}=04[0-9a-fA-F]{128})*$' },
    AUDIT_HEADS_FILE: { type: 'string', minLength: 1 },
    // Months the trail is kept (网络安全法 §21: at least six); unset keeps everything. Refused below 6.
    AUDIT_RETENTION_MONTHS: { type: 'integer', minimum: 6, maximum: 1200 },
    AUDIT_RETENTION_INTERVAL_MS: { type: 'integer', default: 86_400_000, minimum: 60_000, maximum: 2_678_400_000 },
    // GET /metrics (Prometheus): with a token, callers must send it as a bearer token; without
    // one, only loopback callers (a scraper on the same host or pod) are served.
    METRICS_TOKEN: { type: 'string', minLength: 16, pattern: '^[\\x21-\\x7e]+$' },
    // /readyz reports the outbox failing once this many messages wait to be relayed or delivered.
    READY_OUTBOX_BACKLOG_MAX: { type: 'integer', default: 10_000, minimum: 1 },
    // Load shedding (@fastify/under-pressure): 503 + Retry-After before the event loop stalls.
    // 0 turns a check off. Health and metrics routes are never shed.
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: { type: 'integer', default: 1000, minimum: 0 },
    // Utilisation is off by default: a busy but healthy hub runs near 1 (loading the demo records at
    // start, a benchmark at 32 connections) and would refuse work it can do; the delay is what
    // callers feel.
    LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: { type: 'number', default: 0, minimum: 0, maximum: 1 },
    LOAD_SHED_MAX_HEAP_USED_BYTES: { type: 'integer', default: 0, minimum: 0 },
    LOAD_SHED_SAMPLE_INTERVAL_MS: { type: 'integer', default: 1000, minimum: 10, maximum: 60_000 },
    LOAD_SHED_RETRY_AFTER_SECONDS: { type: 'integer', default: 10, minimum: 1, maximum: 3600 },
    // Supervision roll-ups of the data-access events: how often (a BullMQ job scheduler), and how
    // old an event must be before it is counted (younger ones wait: see access-event-reader.ts).
    ROLLUP_INTERVAL_MS: { type: 'integer', default: 60_000, minimum: 1000, maximum: 86_400_000 },
    ROLLUP_SETTLE_SECONDS: { type: 'integer', default: 120, minimum: 0, maximum: 86_400 },
    // Anomaly alerts, from the roll-ups: how often to scan; a system's calls to a resource today
    // above this multiple of its 14-day median (and at least ANOMALY_MIN_CALLS); a consumer
    // system whose SUBJECT_NOT_FOUND share today reaches ANOMALY_NOT_FOUND_RATE over at least
    // ANOMALY_ENUMERATION_MIN_CALLS calls (enumeration).
    ANOMALY_SCAN_INTERVAL_MS: { type: 'integer', default: 3_600_000, minimum: 1000, maximum: 86_400_000 },
    ANOMALY_VOLUME_MULTIPLE: { type: 'number', default: 5, exclusiveMinimum: 1, maximum: 1000 },
    ANOMALY_MIN_CALLS: { type: 'integer', default: 100, minimum: 1 },
    ANOMALY_NOT_FOUND_RATE: { type: 'number', default: 0.5, exclusiveMinimum: 0, maximum: 1 },
    ANOMALY_ENUMERATION_MIN_CALLS: { type: 'integer', default: 50, minimum: 1 },
  },
  // An identity provider's tokens are only accepted for this hub (audience) from that provider (issuer).
  dependencies: {
    IDP_JWKS_URL: ['IDP_ISSUER', 'IDP_AUDIENCE'],
    IDP_PUBLIC_KEY: ['IDP_ISSUER', 'IDP_AUDIENCE'],
    IDP_SIGN_IN_URL: ['IDP_SUBJECT_ID_CLAIM'],
  },
  required: ['HOST', 'PORT', 'LOG_LEVEL', 'SHAREHUB_DATA_DIR', 'QUEUE_PREFIX', 'BODY_LIMIT_BYTES', 'BULK_LIMIT_BYTES', 'JWT_TTL_SECONDS',
    'JWT_ISSUER', 'IDP_USERNAME_CLAIM', 'PLATFORM_DEPARTMENT_CODE', 'PLATFORM_DEPARTMENT_NAME',
    'REVIEW_WORKING_DAYS', 'PROVISION_WORKING_DAYS', 'PROVIDER_DECISION_WORKING_DAYS', 'COORDINATION_WORKING_DAYS',
    'WARNING_WORKING_DAYS', 'GRANT_EXPIRY_NOTICE_WORKING_DAYS', 'GRANT_MAX_VALIDITY_DAYS', 'WEBHOOK_TIMEOUT_MS',
    'WEBHOOK_MAX_ATTEMPTS', 'WEBHOOK_BACKOFF_MS', 'OUTBOUND_ALLOW_LOOPBACK', 'PROVISION_MAX_ATTEMPTS', 'PROVISION_BACKOFF_MS', 'OUTBOX_POLL_MS',
    'OUTBOX_REQUEUE_AFTER_MS', 'SWEEP_CRON', 'VERIFY_DAILY_LIMIT_PER_SUBJECT', 'PROVIDER_TIMEOUT_MS', 'PROVIDER_BREAKER_FAILURES',
    'PROVIDER_BREAKER_HALF_OPEN_MS', 'PROVIDER_REPLY_LIMIT_BYTES', 'OBJECTION_WORKING_DAYS', 'AUDIT_SEAL_INTERVAL_MS', 'AUDIT_SEAL_MAX_EVENTS',
    'AUDIT_RETENTION_INTERVAL_MS', 'READY_OUTBOX_BACKLOG_MAX',
    'LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS', 'LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION', 'LOAD_SHED_MAX_HEAP_USED_BYTES',
    'LOAD_SHED_SAMPLE_INTERVAL_MS', 'LOAD_SHED_RETRY_AFTER_SECONDS', 'ROLLUP_INTERVAL_MS', 'ROLLUP_SETTLE_SECONDS',
    'ANOMALY_SCAN_INTERVAL_MS', 'ANOMALY_VOLUME_MULTIPLE', 'ANOMALY_MIN_CALLS', 'ANOMALY_NOT_FOUND_RATE', 'ANOMALY_ENUMERATION_MIN_CALLS'],
} as const;

export type Config = FromSchema<typeof CONFIG_SCHEMA>;

/** SHAREHUB_PREVIOUS_SECRET_KEYS as a list (empty when unset). */
export function previousSecretKeys(config: Pick<Config, 'SHAREHUB_PREVIOUS_SECRET_KEYS'>): string[] {
  return config.SHAREHUB_PREVIOUS_SECRET_KEYS ? config.SHAREHUB_PREVIOUS_SECRET_KEYS.split(',') : [];
}

/**
 * Configuration after start-up has resolved the embedded services and the master secret. Every
 * process (api, worker, scheduler) runs on it; it lives here, not in app.ts, so the worker does
 * not depend on the HTTP app.
 */
export type RuntimeConfig = Config & { DATABASE_URL: string; REDIS_URL: string; SHAREHUB_SECRET_KEY: string };

/**
 * PUBLIC_BASE_URL without a trailing slash, or http://HOST:PORT. Public documents take their
 * links from here, never from a request's Host header: the client chooses that, and a cache in
 * front of the hub would hand its links to everyone.
 */
export function publicBaseUrl(config: Pick<Config, 'PUBLIC_BASE_URL' | 'HOST' | 'PORT'>): string {
  if (config.PUBLIC_BASE_URL) return config.PUBLIC_BASE_URL.replace(/\/+$/, '');
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return `http://${host}:${config.PORT}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const validate = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true }).compile(CONFIG_SCHEMA);

/** Reads and validates the environment; every bad or missing key is reported by name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Only our own keys are read; empty values count as unset so `KEY=` in a shell means "default".
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(CONFIG_SCHEMA.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') data[key] = value;
  }
  if (!validate(data)) {
    throw new ConfigError((validate.errors ?? []).map((e) => {
      const key = e.instancePath.replace(/^\//, '') || String(e.params.missingProperty ?? '(config)');
      return `${key}: ${e.message ?? 'invalid'}`;
    }));
  }
  return data as Config;
}
