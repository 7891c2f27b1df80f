import parsePrometheusTextFormat, { type PromFamily, type PromSample } from 'parse-prometheus-text-format';

/** The families of a Prometheus text exposition, by name, parsed by an independent parser. */
export function parseMetrics(text: string): Map<string, PromFamily> {
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
}

/** The samples of a family whose labels include `labels`. */
export function samples(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): PromSample[] {
  const family = families.get(name);
  if (!family) throw new Error(`no metric family ${name}`);
  return family.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

/** The value of the one sample of `name` with `labels` (a number). */
export function value(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number {
  const found = samples(families, name, labels);
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name} with ${JSON.stringify(labels)}`);
  return Number(found[0]!.value);
}
