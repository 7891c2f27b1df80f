// Daily counters of the data path in Redis (issue 9): the quota of a grant per Asia/Shanghai day,
// and the verifications of one subject by one system per day. One round trip per call (the calls
// of one event-loop turn share it): a Lua script increments every counter it is given and sets
// its expiry (Shanghai midnight plus a margin) when it creates one, atomically, so concurrent
// replicas never lose a count.
//
// Redis unavailable: fail closed. A call whose quota cannot be counted is refused with 503
// UNAVAILABLE and Retry-After, never served uncounted (an outage must not become an unbounded
// read of personal data). A Redis that does not answer within COUNT_TIMEOUT_MS counts as down.
import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Redis } from 'ioredis';
import { AppError } from '../../lib/errors.js';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Counters outlive their day by this much: a replica whose clock lags still finds them. */
const EXPIRY_MARGIN_MS = 3_600_000;
/** How long a call waits for Redis before it is refused as unavailable. */
export const COUNT_TIMEOUT_MS = 250;
/** What a refused caller is told to wait when Redis is down. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The Asia/Shanghai day of `now` as a number (days since the epoch, Shanghai time). */
export const shanghaiDayNumber = (now: Date) => Math.floor((now.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);

/** The next Asia/Shanghai midnight after `now`. */
export const nextShanghaiMidnight = (now: Date) => new Date((shanghaiDayNumber(now) + 1) * DAY_MS - SHANGHAI_OFFSET_MS);

/** Whole seconds from `now` to the next Shanghai midnight, at least 1 (for Retry-After). */
export const secondsToShanghaiMidnight = (now: Date) => Math.max(1, Math.ceil((nextShanghaiMidnight(now).getTime() - now.getTime()) / 1000));

// KEYS: the counters of every call in a batch; ARGV[2i - 1]: the amount for KEYS[i], ARGV[2i]: its
// expiry (unix ms), set when the increment created the counter. Returns the new value of each
// counter, in order: a counter named by several calls is incremented once for each, so every call
// sees its own count.
const INCREMENT_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local by = tonumber(ARGV[2 * i - 1])
  local n = redis.call('INCRBY', key, by)
  if n == by then redis.call('PEXPIREAT', key, ARGV[2 * i]) end
  out[i] = n
end
return out`;
export const INCREMENT_SHA = createHash('sha1').update(INCREMENT_SCRIPT).digest('hex');

export interface DailyCounters {
  /**
   * Adds `by` to each named counter of `now`'s Shanghai day and returns their new values; throws
   * 503 UNAVAILABLE when Redis cannot count.
   */
  increment(counters: readonly { name: string; by: number }[], now: Date): Promise<number[]>;
}

type Increment = { keys: string[]; args: string[] };

/** The script by its SHA1 (EVALSHA), sent whole only when this Redis does not hold it yet. */
async function runIncrements(redis: Redis, keys: string[], args: string[]): Promise<number[]> {
  try {
    return await redis.evalsha(INCREMENT_SHA, keys.length, ...keys, ...args) as number[];
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return await redis.eval(INCREMENT_SCRIPT, keys.length, ...keys, ...args) as number[];
  }
}

/**
 * Calls made in the same event-loop turn (the quota checks of concurrent requests) go to Redis as
 * ONE script run — one command, one reply, one atomic step for all of them — instead of one per
 * request. The timeout applies to the run: when Redis does not answer, every call of it is
 * refused as unavailable.
 */
export function redisDailyCounters(redis: Redis, prefix: string): DailyCounters {
  const loader = new DataLoader<Increment, number[]>(async (batch) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // Past the timeout, I/O that arrived meanwhile is read first (setImmediate runs after the
      // poll phase): a reply that came in while a long request held the loop is not a timeout.
      timer = setTimeout(() => setImmediate(() => reject(new Error('redis did not answer in time'))), COUNT_TIMEOUT_MS);
    });
    try {
      const replied = runIncrements(redis, batch.flatMap((c) => c.keys), batch.flatMap((c) => c.args));
      replied.catch(() => undefined); // answered late or failed after the timeout: nobody waits for it
      const values = await Promise.race([replied, timeout]);
      let at = 0;
      return batch.map((c) => values.slice(at, (at += c.keys.length)));
    } finally {
      clearTimeout(timer);
    }
  }, { cache: false, batchScheduleFn: (run) => setImmediate(run) });

  return {
    async increment(counters, now) {
      const day = shanghaiDayNumber(now);
      const expireAt = nextShanghaiMidnight(now).getTime() + EXPIRY_MARGIN_MS;
      try {
        return await loader.load({
          keys: counters.map((c) => `${prefix}:${c.name}:${day}`),
          args: counters.flatMap((c) => [String(c.by), String(expireAt)]),
        });
      } catch {
        throw new AppError('UNAVAILABLE', 'the daily quota cannot be counted right now (Redis unavailable): try again shortly', {
          extra: { retryAfter: UNAVAILABLE_RETRY_AFTER_SECONDS },
        });
      }
    },
  };
}
