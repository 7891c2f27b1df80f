import fs from 'node:fs/promises';
import { API_TYPES_FILE, generateApiTypes } from './api-types.js';

// Builds the hub in process (nothing listens, nothing is connected) and writes the console's API
// types from its OpenAPI document.
await fs.writeFile(API_TYPES_FILE, await generateApiTypes());
process.stdout.write(`wrote ${API_TYPES_FILE.pathname}\n`);
