import openapiTS, { astToString } from 'openapi-typescript';
import type { BuildAppOptions } from '../../src/app.js';
import { openApiDocument } from '../../src/openapi-document.js';

/** Where the console's generated API types live (committed; a test checks they are current). */
export const API_TYPES_FILE = new URL('../src/api/schema.d.ts', import.meta.url);

const HEADER = `/**
 * Generated from the hub's OpenAPI document (/docs/json) by console/scripts/generate-api.ts
 * (npm run generate-api -w console). Do not edit: regenerate after changing a route or schema;
 * tests/console/api-types.test.ts fails while this file is stale.
 */

`;

/** The console's API types, as openapi-typescript writes them from the app's own document. */
export async function generateApiTypes(opts: Pick<BuildAppOptions, 'schemaController'> = {}): Promise<string> {
  const doc = await openApiDocument(opts);
  const ast = await openapiTS(doc as never, { alphabetize: true });
  return HEADER + astToString(ast);
}
