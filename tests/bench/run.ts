// `npm run bench`: every benchmark of the hub, in turn. Exits 1 when one misses its goal.
import { benchCatalogSearch } from './catalog-search.js';

const results: [string, boolean][] = [['catalog search', await benchCatalogSearch()]];
const missed = results.filter(([, met]) => !met).map(([name]) => name);
if (missed.length) {
  console.error(`\ngoal missed: ${missed.join(', ')}`);
  process.exitCode = 1;
}
