// Cross-field rules of a resource's metadata, which JSON Schema cannot say (or cannot say with an
// error that names the field). The shape itself is checked by the schemas in schemas/catalog.ts.
import { BlockList, isIP } from 'node:net';
import type { FieldProblem } from '../../lib/errors.js';
import type {
  controlParamComponent,
  DATA_TYPES,
  dataItemComponent,
  MetadataField,
  RESOURCE_FORMATS,
  resourceSchema,
  SENSITIVITY_LEVELS,
  SHARE_METHODS,
  SHARE_TYPES,
  SUBJECT_TYPES,
  UPDATE_CYCLES,
} from '../../../schemas/catalog.js';
import type { FromShared } from '../../../schemas/index.js';

export type DataType = (typeof DATA_TYPES)[number];
export type Sensitivity = (typeof SENSITIVITY_LEVELS)[number];
export type ResourceFormat = (typeof RESOURCE_FORMATS)[number];
export type ShareMethod = (typeof SHARE_METHODS)[number];
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];
export type SubjectType = (typeof SUBJECT_TYPES)[number];
export type ShareType = (typeof SHARE_TYPES)[number];

// The shapes come from the schemas (schemas/catalog.ts), not a second description beside them.
export type DataItem = FromShared<typeof dataItemComponent>;
export type ControlParam = FromShared<typeof controlParamComponent>;

/** Delivery of a validated resource: checkResource() guarantees the endpoint is there exactly for provider_api. */
export type Delivery = { mode: 'hosted' } | { mode: 'provider_api'; endpoint: string };

/** The metadata of one resource version, as stated by the providing department: those fields of the Resource schema. */
export type ResourceMetadata = Pick<FromShared<typeof resourceSchema>, MetadataField>;
export type Contact = ResourceMetadata['contact'];

/** The 分类码 part of a resource code (101001/00001 → 101001). */
export const categoryOf = (code: string) => code.split('/')[0]!;

const isBlank = (s: string | null | undefined) => s === null || s === undefined || s.trim() === '';

/**
 * Every cross-field problem of `meta`, with JSON pointers under `base` (e.g. '/body'), so a client
 * sees all of them at once. `code` is the resource code the metadata belongs to.
 */
export function checkResource(code: string, meta: ResourceMetadata, base: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const at = (pointer: string, message: string) => problems.push({ pointer: base + pointer, message });

  if (meta.categoryCode !== categoryOf(code)) {
    at('/categoryCode', `must equal the classification part of the code (${categoryOf(code)})`);
  }

  const seen = new Map<string, number>();
  meta.dataItems.forEach((item, i) => {
    const first = seen.get(item.key);
    if (first !== undefined) at(`/dataItems/${i}/key`, `duplicate key '${item.key}' (also at ${base}/dataItems/${first}/key)`);
    else seen.set(item.key, i);
    const maskProblem = checkMask(item.mask, item.length);
    if (maskProblem) at(`/dataItems/${i}/mask`, maskProblem);
    // 一数一源: the source is another resource's item (its existence is checked against the catalog).
    if (item.authoritativeSource?.resourceCode === code) at(`/dataItems/${i}/authoritativeSource/resourceCode`, 'must be another resource: an item is not its own source');
  });

  // 国发〔2016〕51号: conditional and not-shared resources must state their legal basis (依据).
  if (meta.shareType !== 1 && isBlank(meta.legalBasis)) {
    at('/legalBasis', `is required for share type ${meta.shareType} (${meta.shareType === 2 ? '有条件共享' : '不予共享'})`);
  }
  if (meta.shareType === 2 && isBlank(meta.shareConditions)) at('/shareConditions', 'is required for share type 2 (有条件共享)');
  if (meta.shareType === 1 && !isBlank(meta.shareConditions)) at('/shareConditions', 'must be absent for share type 1 (无条件共享)');

  if (!meta.openToPublic && !isBlank(meta.openConditions)) at('/openConditions', 'must be absent unless openToPublic');
  // What may not be shared even with other departments cannot be opened to the public.
  if (meta.shareType === 3 && meta.openToPublic) at('/openToPublic', 'must be false for share type 3 (不予共享)');

  if (meta.subjectType === 'none') {
    if (meta.subjectKey !== null) at('/subjectKey', "must be absent when subjectType is 'none'");
  } else if (meta.subjectKey === null) {
    at('/subjectKey', `is required for subjectType '${meta.subjectType}': the data item holding the subject's id`);
  } else if (!seen.has(meta.subjectKey)) {
    at('/subjectKey', `'${meta.subjectKey}' is not the key of a data item`);
  }
  const sourced = meta.dataItems.findIndex((item) => item.authoritativeSource !== undefined);
  if (sourced >= 0 && meta.subjectType === 'none') at(`/dataItems/${sourced}/authoritativeSource`, "needs records by subject: subjectType must not be 'none'");
  const keyItem = meta.dataItems.findIndex((item) => item.key === meta.subjectKey && item.authoritativeSource !== undefined);
  if (keyItem >= 0) at(`/dataItems/${keyItem}/authoritativeSource`, 'the subject key is the id records are matched by: it names no source');

  const paramKeys = new Set<string>();
  meta.controlParams.forEach((p, i) => {
    if (paramKeys.has(p.key)) at(`/controlParams/${i}/key`, `duplicate key '${p.key}'`);
    paramKeys.add(p.key);
  });

  if (meta.delivery.mode === 'provider_api' && meta.delivery.endpoint === undefined) {
    at('/delivery/endpoint', "is required when mode is 'provider_api'");
  }
  if (meta.delivery.mode === 'hosted' && meta.delivery.endpoint !== undefined) {
    at('/delivery/endpoint', "must be absent when mode is 'hosted' (the hub serves the data)");
  }
  if (meta.delivery.endpoint !== undefined) {
    const problem = endpointProblem(meta.delivery.endpoint);
    if (problem) at('/delivery/endpoint', problem);
  }

  if (meta.contact.phone === undefined && meta.contact.email === undefined) at('/contact', 'needs a phone or an email');

  meta.relatedCodes.forEach((related, i) => {
    if (related === code) at(`/relatedCodes/${i}`, 'a resource cannot be related to itself');
  });
  return problems;
}

// ── provider endpoints ────────────────────────────────────────────────────────────────────

// The hub calls a provider's endpoint from inside its own network, so a department must not be
// able to point it at the hub's host (loopback, and the unspecified address, which reaches it
// too) or at link-local neighbours such as a cloud metadata service (169.254.169.254). Private
// ranges stay allowed: providers sit on the government intranet. This checks the literal URL
// only; a name that resolves to such an address is refused when the hub connects
// (src/lib/outbound-target.ts).
const FORBIDDEN_ADDRESSES = new BlockList();
FORBIDDEN_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
FORBIDDEN_ADDRESSES.addSubnet('169.254.0.0', 16, 'ipv4');
FORBIDDEN_ADDRESSES.addAddress('0.0.0.0', 'ipv4');
FORBIDDEN_ADDRESSES.addAddress('::1', 'ipv6');
FORBIDDEN_ADDRESSES.addAddress('::', 'ipv6');
FORBIDDEN_ADDRESSES.addSubnet('fe80::', 10, 'ipv6');

/** Why the hub must not call `endpoint`, or undefined. IPv4-mapped IPv6 forms are checked as IPv4. */
export function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'is not a URL';
  }
  // Credentials in a URL end up in logs and the trail; providers authenticate the hub by signature.
  if (url.username || url.password) return 'must not hold credentials (user:password@)';
  // The URL parser has already normalised numeric forms (2130706433, 0x7f.1 → 127.0.0.1).
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return `must not point at the hub's own host (${host})`;
  const family = isIP(host);
  if (family && FORBIDDEN_ADDRESSES.check(host, family === 4 ? 'ipv4' : 'ipv6')) {
    return `must not point at ${host}: a loopback, link-local or unspecified address`;
  }
  return undefined;
}

// ── masking rules ─────────────────────────────────────────────────────────────────────────

export type MaskRule = { kind: 'none' } | { kind: 'full' } | { kind: 'keep'; first: number; last: number };

const KEEP_RULE = /^(?:first:([1-9]\d?)|last:([1-9]\d?)|first:([1-9]\d?),last:([1-9]\d?))$/;

/** Parses the grammar of schemas/catalog.ts (dataItemSchema.mask); undefined when it does not parse. */
export function parseMask(rule: string): MaskRule | undefined {
  if (rule === 'none') return { kind: 'none' };
  if (rule === 'full') return { kind: 'full' };
  const m = KEEP_RULE.exec(rule);
  if (!m) return undefined;
  if (m[1] !== undefined) return { kind: 'keep', first: Number(m[1]), last: 0 };
  if (m[2] !== undefined) return { kind: 'keep', first: 0, last: Number(m[2]) };
  return { kind: 'keep', first: Number(m[3]), last: Number(m[4]) };
}

/** Why a mask is unusable for an item of `length` characters, or undefined. */
export function checkMask(rule: string, length: number): string | undefined {
  const mask = parseMask(rule);
  if (!mask) return `'${rule}' is not a masking rule (none, full, first:N, last:N, first:N,last:M)`;
  if (mask.kind === 'keep' && mask.first + mask.last >= length) {
    return `keeps ${mask.first + mask.last} of at most ${length} characters, so it would hide nothing`;
  }
  return undefined;
}
