// Messages that tell every replica to drop what it caches of a key or a grant (issue 9 point 4:
// revocation takes effect everywhere within a second). Carried on Redis pub/sub by
// src/plugins/invalidation.ts; published by the revoke routes after their transaction commits.
// Ids only: never a credential or personal data.

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
