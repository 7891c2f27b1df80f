import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { ConfigError, type RuntimeConfig } from './config.js';
import { deriveKeys, hmacSm3Hex } from './lib/crypto.js';
import { cliContext } from './modules/context.js';
import { ensurePlatformDepartment } from './modules/departments/departments-service.js';
import { createUser, hasPlatformAdmin } from './modules/identity/users-service.js';

export const FIRST_ADMIN_USERNAME = 'admin';

/**
 * First-run set-up: the platform department from configuration and, when no platform
 * administrator exists yet, the first one. Returns the generated password (to print once) when
 * SHAREHUB_ADMIN_PASSWORD was not given.
 */
export async function bootstrap(db: Knex, config: RuntimeConfig): Promise<{ adminCreated: boolean; generatedPassword?: string }> {
  const keys = deriveKeys(config.SHAREHUB_SECRET_KEY);
  const platform = await ensurePlatformDepartment(cliContext(db), keys, config.PLATFORM_DEPARTMENT_CODE, config.PLATFORM_DEPARTMENT_NAME);
  if (await hasPlatformAdmin(db)) return { adminCreated: false };
  const generatedPassword = config.SHAREHUB_ADMIN_PASSWORD ? undefined : randomBytes(18).toString('base64url');
  await createUser(cliContext(db), {
    username: FIRST_ADMIN_USERNAME,
    displayName: '平台管理员',
    role: 'platform_admin',
    departmentCode: platform.code,
    password: config.SHAREHUB_ADMIN_PASSWORD ?? generatedPassword!,
  });
  return { adminCreated: true, generatedPassword };
}

const KEY_FINGERPRINT = 'secret_key_fingerprint';

const fingerprintOf = (secretKeyHex: string) => hmacSm3Hex(Buffer.from(secretKeyHex, 'hex'), 'sharehub secret key fingerprint');

/**
 * Every process must use the master secret the database was set up with: another one could not
 * unseal the stored webhook secrets, and its tokens would be refused by the other replicas. The
 * first process records a fingerprint (a keyed hash, not the key); the others must match it.
 *
 * Key rotation (README, "Rotating the master key"): a start with a new key whose
 * SHAREHUB_PREVIOUS_SECRET_KEYS holds the stored one is accepted and moves the stored fingerprint
 * to the new key, in one statement, so concurrent starts agree. From then on a start with only the
 * old key is refused: a rotation is not undone by accident (to undo it, swap the two settings).
 * Returns whether this start rotated.
 */
export async function checkSecretKey(db: Knex, secretKeyHex: string, previousKeysHex: readonly string[] = []): Promise<{ rotated: boolean }> {
  const fingerprint = fingerprintOf(secretKeyHex);
  await db('hub_settings').insert({ key: KEY_FINGERPRINT, value: fingerprint }).onConflict('key').ignore();
  const previous = previousKeysHex.map(fingerprintOf).filter((f) => f !== fingerprint);
  const rotated = previous.length > 0
    && (await db('hub_settings').where('key', KEY_FINGERPRINT).whereIn('value', previous).update({ value: fingerprint })) > 0;
  const stored = await db('hub_settings').where('key', KEY_FINGERPRINT).first('value');
  if (stored?.value !== fingerprint) {
    throw new ConfigError(['SHAREHUB_SECRET_KEY: is not the key this database was set up with (stored secrets could not be read); use the original key'
      + (previous.length ? ', or list it in SHAREHUB_PREVIOUS_SECRET_KEYS to rotate to this one' : '')]);
  }
  return { rotated };
}
