import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { decodeInvalidation, invalidationChannel, redisInvalidationPublisher, type Invalidation } from '../lib/invalidation.js';

export interface InvalidationBus {
  /** Tells every replica (this one included) to drop a cached key or grant. Never throws. */
  publish(message: Invalidation): Promise<void>;
  /** Called for every message received, and with `all` after the subscription was re-established. */
  subscribe(listener: (message: Invalidation) => void): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    invalidation: InvalidationBus;
  }
}

// In-process caches of API keys and grants are dropped through Redis pub/sub on a connection of
// their own (a subscribed connection can do nothing else). When it reconnects after a loss, every
// listener is told `all`: messages sent meanwhile are gone. If Redis is down, the caches' TTLs
// bound how long a revoked key or grant could still be served by another replica.
export default fp<{ url: string; prefix: string }>(
  async (app, opts) => {
    const channel = invalidationChannel(opts.prefix);
    const listeners: ((m: Invalidation) => void)[] = [];
    const tell = (m: Invalidation) => { for (const l of listeners) l(m); };
    const subscriber = new Redis(opts.url, { lazyConnect: true, maxRetriesPerRequest: null });
    subscriber.on('error', (err) => app.log.warn({ err: { message: err.message } }, 'redis subscriber error'));
    subscriber.on('message', (_channel: string, text: string) => tell(decodeInvalidation(text)));
    let readyBefore = false;
    subscriber.on('ready', () => {
      if (readyBefore) tell({ kind: 'all' });
      readyBefore = true;
    });
    await subscriber.connect().then(() => subscriber.subscribe(channel))
      .catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'redis subscriber not reachable at start'));

    const publish = redisInvalidationPublisher(app.redis, opts.prefix, (err) =>
      app.log.warn({ err: { message: err.message } }, 'invalidation not published: other replicas rely on their cache TTL'));
    app.decorate('invalidation', {
      async publish(message) {
        // This replica forgets at once, whatever Redis does.
        tell(message);
        await publish(message);
      },
      subscribe(listener) {
        listeners.push(listener);
      },
    } satisfies InvalidationBus);
    app.addHook('onClose', async () => {
      subscriber.disconnect();
    });
  },
  { name: 'invalidation', dependencies: ['redis'] },
);
