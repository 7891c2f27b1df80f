// Not a test: a stand-in for the hub in tests/runtime/guarded-children.test.ts. Starts an
// embedded PostgreSQL and a local redis-server in the directory given, prints "ready", and
// waits to be killed.
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres } from '../../src/runtime/embedded-postgres.js';
import { startLocalRedis } from '../../src/runtime/local-redis.js';

const dir = process.argv[2]!;
const logger = pino({ level: 'warn' });
await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), logger });
await startLocalRedis({ dataDir: path.join(dir, 'redis'), logger });
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
