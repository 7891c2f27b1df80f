// `npm run bench [-- <part> …]`: the hub's benchmarks, each a named part run in turn (all of
// them when none is named), e.g. `npm run bench -- catalog`. Prints the machine first, since
// every figure depends on it. Exits 1 when a part misses its goal, 2 on an unknown part.
import os from 'node:os';
import { benchCatalogSearch } from './catalog-search.js';
import { benchExchange } from './exchange.js';

/** A benchmark part: resolves to whether its goal was met. Add new parts here. */
const PARTS: Record<string, () => Promise<boolean>> = {
  catalog: benchCatalogSearch,
  exchange: benchExchange,
  forwarding: async () => (await import('./exchange-forwarding.js')).benchExchangeForwarding(),
  audit: async () => (await import('./audit-sealer.js')).benchAuditSealer(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in PARTS));
if (unknown.length) {
  console.error(`unknown benchmark part: ${unknown.join(', ')} (parts: ${Object.keys(PARTS).join(', ')})`);
  process.exit(2);
}

const cpus = os.cpus();
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, `
  + `${os.type()} ${os.release()}, Node ${process.version}; load average ${load()}`);

const missed: string[] = [];
for (const name of wanted.length ? wanted : Object.keys(PARTS)) {
  console.log(`\n── ${name} ──`);
  if (!(await PARTS[name]!())) missed.push(name);
}
console.log(`\nload average at the end: ${load()}`);
if (missed.length) {
  console.error(`goal missed: ${missed.join(', ')}`);
  process.exitCode = 1;
}
