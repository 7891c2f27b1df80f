// The embedded hub is a demo: its first run loads catalog/ (the package's demo catalog), so
// there is something to find. Kept out of cli.ts so that tests can run it as `start` does.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../../config.js';
import type { Db } from '../../db.js';
import { deriveKeys } from '../../lib/crypto.js';
import { importDemoCatalogIfEmpty } from './catalog-import.js';

/** catalog/ at the package root: from src/modules/catalog/ under tsx, dist/src/modules/catalog/ when built. */
export function demoCatalogDir(): string | undefined {
  return ['../../../catalog', '../../../../catalog'].map((p) => fileURLToPath(new URL(p, import.meta.url))).find((d) => existsSync(d));
}

/** Loads the demo catalog while the catalog is empty; never fails the start. */
export async function loadDemoCatalog(db: Db, config: RuntimeConfig, logger: Logger): Promise<void> {
  const dir = demoCatalogDir();
  if (!dir) {
    logger.warn('no catalog/ directory next to the package; the demo catalog is not loaded');
    return;
  }
  try {
    const counts = await importDemoCatalogIfEmpty(db, deriveKeys(config.SHAREHUB_SECRET_KEY), dir);
    if (counts) logger.info({ ...counts, dir }, 'demo catalog loaded');
  } catch (err) {
    // A broken demo catalog must not keep the hub from starting.
    logger.error({ err }, 'the demo catalog could not be loaded');
  }
}
