/**
 * Passwords (API.md): argon2id (@node-rs/argon2, OWASP parameters), at least 10 characters.
 */
import { hash, verify } from '@node-rs/argon2';
import { invalid } from '../errors.ts';

export const MIN_PASSWORD_LENGTH = 10;

/** Refuse a password shorter than 10 characters (counted in code points). */
export function checkPasswordPolicy(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) throw invalid('password', `密码至少 ${MIN_PASSWORD_LENGTH} 个字符`);
}

/** argon2id hash (PHC string with salt and parameters). */
export async function hashPassword(password: string): Promise<string> {
  // Algorithm 2 = Argon2id; 19 MiB, 2 passes, 1 lane (OWASP's recommended minimum).
  return hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

/** True when `password` matches the stored hash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the user does not exist, so both paths take the same time. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('zhili-no-such-user-placeholder');
  return dummy;
}
