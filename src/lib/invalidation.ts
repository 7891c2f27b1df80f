// Messages that tell every replica to drop what it caches of a key or a grant (issue 9 point 4:
// revocation takes effect everywhere within a second). Carried on Redis pub/sub by
// src/plugins/invalidation.ts; published after the transaction that changed the key or grant
// commits — by the routes (app.invalidation) and by the workers (JobDeps.invalidate: a grant
// issued by the provision job, grants expired by the sweep). Ids only: never a credential or
// personal data.

export type Invalidation =
  | { kind: 'grant'; systemId: string; resourceId: string }
  | { kind: 'key'; keyId: string }
  /** The subscription was lost for a while: messages may be missing, so forget everything. */
  | { kind: 'all' };

export const encodeInvalidation = (m: Invalidation): string =>
  m.kind === 'grant' ? `grant:${m.systemId}:${m.resourceId}` : m.kind === 'key' ? `key:${m.keyId}` : 'all';

export function decodeInvalidation(text: string): Invalidation {
  const [kind, a, b] = text.split(':');
  if (kind === 'grant' && a && b) return { kind: 'grant', systemId: a, resourceId: b };
  if (kind === 'key' && a) return { kind: 'key', keyId: a };
  // Anything unreadable is treated as the safest message.
  return { kind: 'all' };
}

/** Where this hub's replicas listen (the queue prefix keeps hubs sharing a Redis apart). */
export const invalidationChannel = (prefix: string) => `${prefix}:invalidate`;

/** Tells every replica; never throws (a lost message is bounded by the caches' TTLs). */
export type PublishInvalidation = (message: Invalidation) => Promise<void>;

/**
 * A publisher for processes without the HTTP app (the workers), on a Redis connection of the
 * caller's that fails fast. A failure is passed to `onError` (to log it) and otherwise ignored:
 * the change is committed, and replicas drop the stale entry at their cache TTL at the latest.
 */
export function redisInvalidationPublisher(
  redis: { publish(channel: string, message: string): Promise<unknown> },
  prefix: string,
  onError: (err: Error) => void,
): PublishInvalidation {
  const channel = invalidationChannel(prefix);
  return async (message) => {
    try {
      await redis.publish(channel, encodeInvalidation(message));
    } catch (err) {
      onError(err as Error);
    }
  };
}
