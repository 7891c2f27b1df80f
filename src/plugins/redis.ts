import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

// The API's Redis client fails fast: when Redis is down a request must not hang on a queued
// command. Business data lives in PostgreSQL; the outbox covers anything meant for the queues.
export default fp<{ url: string }>(
  async (app, opts) => {
    const redis = new Redis(opts.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    redis.on('error', (err) => app.log.warn({ err: { message: err.message } }, 'redis connection error'));
    // Start without Redis if it is down: readiness reports it, the rest of the API keeps working.
    await redis.connect().catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'redis not reachable at start'));
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      redis.disconnect();
    });
  },
  { name: 'redis' },
);
