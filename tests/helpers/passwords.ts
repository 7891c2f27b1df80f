// Precomputed scrypt hashes, so fixtures do not spend ~0.1–0.2 s of CPU per user hashing (and
// again per sign-in verifying). Made with the real hashPassword (src/lib/passwords.ts);
// tests/helpers/fixtures.test.ts checks that they verify and carry the parameters hashPassword
// uses today, so they cannot drift from production hashes.

/** The password of every user made by makeUser. Starts with `pw-`, which tests grep logs and the trail for. */
export const TEST_PASSWORD = 'pw-fixture-password-for-tests';
export const TEST_PASSWORD_HASH = 'scrypt$16384$8$1$7veRu5qLKWDzFC64P7CPTg$Z_FZR7NN6zeLFGL0TxDfSZYulZSkUQc9N6do2MuWIBs';

/** The first platform admin's password (SHAREHUB_ADMIN_PASSWORD in every test app). */
export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const ADMIN_PASSWORD_HASH = 'scrypt$16384$8$1$MKoUY_0-vdjtruh4qX_7iw$A-9PRIhv4DW9UY8JtYTDpbmlMJzrs_f2GJtjxaYvXcw';
