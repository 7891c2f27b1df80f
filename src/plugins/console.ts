import { existsSync } from 'node:fs';
import path from 'node:path';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consolePaths } from '../console/paths.js';
import { sendProblem } from './errors.js';
import { named } from './named.js';

/**
 * The console's Content-Security-Policy: everything from the hub itself, nothing inline (no
 * 'unsafe-inline' or 'unsafe-eval' for scripts or styles: the Vite build emits files only, and
 * Vue and Element Plus set styles through the CSSOM, which CSP does not govern), no plugins, no
 * framing, no other origin to talk to. Images may be data: URLs (Element Plus icons).
 */
export const CONSOLE_CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const;

/**
 * The web console (console/, built by Vite) at /console: its files with @fastify/static, any other
 * path under /console answered with its index.html (the console's router reads the path), and
 * @fastify/helmet's headers with the strict CSP above. Helmet is registered in this scope only, so
 * /docs (Swagger UI, which needs inline scripts) and the API are untouched. Without a build (fast
 * tests, an image without one) /console answers 503 problem+json saying how to build it.
 */
export async function registerConsole(app: FastifyInstance, dist = consolePaths().dist) {
  await app.register(named('console', async (scope) => {
    await scope.register(helmet, {
      contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP },
      // Cross-origin isolation headers the console does not need and that would only get in the
      // way of opening it from a link; the rest of helmet's defaults stay.
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: false,
    });
    const hidden = { schema: { hide: true } };

    if (!existsSync(path.join(dist, 'index.html'))) {
      const unavailable = (request: Parameters<typeof sendProblem>[1], reply: Parameters<typeof sendProblem>[0]) =>
        sendProblem(reply, request, 'UNAVAILABLE', 'the web console is not built: `npm start` builds it, or run `npm run build -w console`');
      scope.get('/console', hidden, (request, reply) => unavailable(request, reply));
      scope.get('/console/*', hidden, (request, reply) => unavailable(request, reply));
      return;
    }

    await scope.register(fastifyStatic, {
      root: dist,
      prefix: '/console/',
      // One route per file of the build, read at start: an unknown path falls to the routes below.
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: (res, file) => {
        // Vite names assets by content hash: cache them for good; index.html never.
        res.setHeader('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    const index = (_request: FastifyRequest, reply: FastifyReply) => reply.sendFile('index.html');
    scope.get('/console', hidden, (_request, reply) => reply.redirect('/console/'));
    scope.get('/console/', hidden, index);
    // An asset that is not in this build (an old page asking for a replaced chunk) is a 404,
    // not the index page.
    scope.get('/console/assets/*', hidden, (request, reply) => sendProblem(reply, request, 'ROUTE_NOT_FOUND', 'no such file in this build of the console'));
    scope.get('/console/*', hidden, index);
  }));
}
