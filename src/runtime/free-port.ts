import net from 'node:net';

/**
 * Asks the kernel for a currently unused TCP port on 127.0.0.1.
 *
 * The port is released before returning, so another process could grab it before the caller
 * binds; callers retry with a fresh port when the bind fails rather than relying on this
 * being race-free.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`could not determine a free port on ${host}`));
        return;
      }
      server.close((err) => (err ? reject(err) : resolve(address.port)));
    });
  });
}
