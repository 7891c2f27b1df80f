import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The master secret every hub key is derived from. Taken from SHAREHUB_SECRET_KEY when set
 * (required when several replicas must accept each other's tokens); otherwise generated once
 * and kept in the data directory (mode 0600).
 */
export async function loadOrCreateSecretKey(dataDir: string, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const file = path.join(dataDir, 'secret-key');
  try {
    const stored = (await fs.readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(stored)) return stored;
    throw new Error(`${file} does not hold a 64-character hex key; delete it or set SHAREHUB_SECRET_KEY`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(dataDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  await fs.writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
