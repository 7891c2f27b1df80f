import type { FastifyPluginAsync } from 'fastify';

/**
 * The plugin, carrying a name for Fastify's plugin tree and error messages. Fastify looks for the
 * name of a plugin without one by searching every loaded module for the function (`require.cache`),
 * twice per registration: milliseconds each time, for every app built (a test process builds one
 * per test file).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any plugin options
export function named<P extends FastifyPluginAsync<any>>(name: string, plugin: P): P {
  return Object.assign(plugin, { [Symbol.for('fastify.display-name')]: name });
}
