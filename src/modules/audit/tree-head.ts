import { checkpointText } from '../../lib/audit-proof.js';
import { previousSecretKeys, type Config } from '../../config.js';
import { deriveAuditSm2KeyPair, sm2KeyPairFromPrivateKey, sm2Sign, sm2Verify, type Sm2KeyPair } from '../../lib/sm2.js';

// A signed tree head: (size, SM3 root, time), signed with SM2 (GB/T 32918.2, the signer's Z with
// the default user id 1234567812345678) over its *checkpoint*, the text of C2SP tlog-checkpoint
// with the time as an extension line:
//
//   <origin>\n
//   <size, decimal>\n
//   <root, standard base64 of the 32-byte SM3 hash>\n
//   time <RFC 3339 UTC with milliseconds>\n
//
// A witness (a second hub, the audit office) countersigns the same bytes with its own SM2 key.
// The origin names the log: `sharehub/<platform department code>/audit`, stable across restarts
// and hostnames, so a head signed once verifies forever.

export interface TreeHead {
  size: number;
  root: Buffer;
  signedAt: Date;
}

export interface SignedTreeHead extends TreeHead {
  publicKey: string;
  signature: Buffer;
}

export const logOrigin = (config: Pick<Config, 'PLATFORM_DEPARTMENT_CODE'>) => `sharehub/${config.PLATFORM_DEPARTMENT_CODE}/audit`;

/** The bytes every signature over a head covers. */
export function checkpoint(origin: string, head: TreeHead): string {
  return checkpointText(origin, head.size, head.root.toString('base64'), head.signedAt.toISOString());
}

export function signTreeHead(origin: string, head: TreeHead, key: Sm2KeyPair): SignedTreeHead {
  return { ...head, publicKey: key.publicKey, signature: sm2Sign(checkpoint(origin, head), key) };
}

export function verifyTreeHeadSignature(origin: string, head: TreeHead, publicKey: string, signature: Uint8Array): boolean {
  return sm2Verify(checkpoint(origin, head), signature, publicKey);
}

/** The hub's audit signing key: AUDIT_SM2_PRIVATE_KEY when configured, else derived from the master secret. */
export function auditSigningKey(config: Pick<Config, 'AUDIT_SM2_PRIVATE_KEY'> & { SHAREHUB_SECRET_KEY: string }): Sm2KeyPair {
  return config.AUDIT_SM2_PRIVATE_KEY ? sm2KeyPairFromPrivateKey(config.AUDIT_SM2_PRIVATE_KEY) : deriveAuditSm2KeyPair(config.SHAREHUB_SECRET_KEY);
}

/**
 * Public keys whose heads the verifier accepts: the current one, the keys derived from master
 * secrets this hub used before (a master-key rotation changes the derived key), and any listed in
 * AUDIT_SM2_PREVIOUS_PUBLIC_KEYS (a configured key that was replaced).
 */
export function trustedAuditKeys(config: Pick<Config, 'AUDIT_SM2_PRIVATE_KEY' | 'AUDIT_SM2_PREVIOUS_PUBLIC_KEYS' | 'SHAREHUB_PREVIOUS_SECRET_KEYS'> & { SHAREHUB_SECRET_KEY: string }): string[] {
  const keys = [auditSigningKey(config).publicKey, ...previousSecretKeys(config).map((k) => deriveAuditSm2KeyPair(k).publicKey)];
  if (config.AUDIT_SM2_PREVIOUS_PUBLIC_KEYS) keys.push(...config.AUDIT_SM2_PREVIOUS_PUBLIC_KEYS.toLowerCase().split(','));
  return [...new Set(keys)];
}

/** Configured witnesses, `name=04…` comma-separated, as name → public key. */
export function witnessKeys(config: Pick<Config, 'AUDIT_WITNESS_KEYS'>): Map<string, string> {
  const witnesses = new Map<string, string>();
  for (const entry of config.AUDIT_WITNESS_KEYS ? config.AUDIT_WITNESS_KEYS.split(',') : []) {
    const at = entry.indexOf('=');
    witnesses.set(entry.slice(0, at), entry.slice(at + 1).toLowerCase());
  }
  return witnesses;
}
