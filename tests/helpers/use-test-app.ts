import { afterAll, beforeAll } from 'vitest';
import type { Clock } from '../../src/lib/clock.js';
import { buildTestApp, type TestContext } from './test-app.js';
import { makeWorld, type World } from './workflow.js';

// The set-up most test files share, declared in one line each instead of a `let` plus a
// beforeAll/afterAll pair. Each use…() registers its hooks in the describe block (or file) it is
// called in and returns an object at once; the hook fills that same object in, so it can be
// passed around and closed over at the top of the block and read in tests and later hooks.
// Hooks run in the order the calls are written (and afterAll in reverse), so a fixture may use
// the app or the fixtures declared before it.

/**
 * An object that a beforeAll fills in later. Reading a property it does not have yet throws,
 * naming it, instead of quietly giving undefined (say, when read at the top of a describe block).
 * Only for plain data (its own enumerable properties are copied): not for arrays, class instances
 * or primitives.
 */
export function lazyObject<T extends object>(what: string, known: Partial<T> = {}): { value: T; fill(value: T): void } {
  const target = { ...known } as T;
  let filled = false;
  const value = new Proxy(target, {
    get(t, key, receiver) {
      // `then` is probed by `await` and by promise resolution; it must read as absent.
      if (!filled && typeof key === 'string' && key !== 'then' && !(key in t)) {
        throw new Error(`${what}.${key} was read before its beforeAll ran: read it inside a test or a hook`);
      }
      return Reflect.get(t, key, receiver);
    },
  });
  return { value, fill: (v) => { Object.assign(target, v); filled = true; } };
}

/** A value made once, in a beforeAll, for the tests of the enclosing block (a user, a resource, headers…). */
export function useFixture<T extends object>(make: () => Promise<T> | T, what = 'fixture'): T {
  const lazy = lazyObject<T>(what);
  beforeAll(async () => lazy.fill(await make()));
  return lazy.value;
}

export interface TestAppOptions {
  clock?: Clock;
  logStream?: NodeJS.WritableStream;
}

type Overrides = Record<string, string>;

/**
 * The app on a database of its own (buildTestApp) for the tests of the enclosing block, closed
 * after them. `overrides` are configuration variables, as for buildTestApp; a function gives
 * them when they are known only in an earlier hook (a key pair made in a beforeAll, say).
 */
export function useTestApp(overrides: Overrides | (() => Overrides | Promise<Overrides>) = {}, opts: TestAppOptions = {}): TestContext {
  const lazy = lazyObject<TestContext>('test app');
  let ctx: TestContext | undefined;
  beforeAll(async () => {
    ctx = await buildTestApp(typeof overrides === 'function' ? await overrides() : overrides, opts);
    lazy.fill(ctx);
  });
  afterAll(async () => ctx?.close());
  return lazy.value;
}

export interface WorldOptions extends TestAppOptions {
  overrides?: Record<string, string>;
  providerWebhookUrl?: string;
  consumerWebhookUrl?: string;
}

/**
 * A test app and a world on it (makeWorld: the platform, a consumer, a provider and an outsider
 * department with their users). `w.ctx` is the app, usable at once like useTestApp's.
 */
export function useWorld(opts: WorldOptions = {}): World {
  const { overrides, providerWebhookUrl, consumerWebhookUrl, ...appOpts } = opts;
  const ctx = useTestApp(overrides, appOpts);
  const lazy = lazyObject<World>('world', { ctx });
  beforeAll(async () => lazy.fill(await makeWorld(ctx, { providerWebhookUrl, consumerWebhookUrl })));
  return lazy.value;
}
