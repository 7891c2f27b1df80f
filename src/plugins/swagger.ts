import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** OpenAPI 3 document at /docs/json, Swagger UI at /docs. */
export async function registerSwagger(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ShareHub API',
        version: '1',
        description: 'Government data-sharing exchange hub: catalog, authorization workflow, data exchange and audit.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A hub-issued or identity-provider JWT, or a system API key (shk_…)' },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  // Its own encapsulated scope: the UI's routes are public and sit outside the auth hook.
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
