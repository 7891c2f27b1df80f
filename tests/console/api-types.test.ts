import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../console/scripts/api-types.js';
import { cachedSchemaController } from '../helpers/serializer-cache.js';

// The console's API client is typed from the hub's OpenAPI document. This fails when a route or
// schema changed and the committed types were not regenerated (npm run generate-api -w console),
// so the console cannot drift from the API unnoticed (vue-tsc then checks every call against them).
describe("the console's generated API types", () => {
  it('are those of the current OpenAPI document', async () => {
    const committed = await fs.readFile(API_TYPES_FILE, 'utf8');
    const generated = await generateApiTypes({ schemaController: cachedSchemaController });
    expect(committed === generated, 'console/src/api/schema.d.ts is stale: run `npm run generate-api -w console`').toBe(true);
  });

  it('name the operations the console calls', async () => {
    const committed = await fs.readFile(API_TYPES_FILE, 'utf8');
    for (const path of ['"/v1/auth/token"', '"/v1/applications/{id}/decision"', '"/v1/resources/{id}/records/bulk"']) expect(committed).toContain(path);
  });
});
