/**
 * What an account's input must look like, with no I/O. The password rule follows NIST SP 800-63B rather
 * than composition rules: long enough, not a well-known password, not the email itself.
 */
export const PASSWORD_MIN = 10;
/** argon2 hashes any length, but a 1 MB password is a denial of service, not a secret. */
export const PASSWORD_MAX = 256;
export const NAME_MAX = 120;
export const EMAIL_MAX = 254;

/** The most used passwords of 10+ characters in public breach lists; a client-side meter does the rest. */
const COMMON = new Set([
  '1234567890',
  '0123456789',
  '1234512345',
  'qwertyuiop',
  'password12',
  'password123',
  'password1234',
  'iloveyou12',
  'qwerty12345',
  'qwerty123456',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  'aaaaaaaaaa',
  'abcdefghij',
  'abc1234567',
  'letmein123',
  'welcome123',
  'changeme123',
  'passw0rd123',
]);

export type InputProblem = { field: string; message: string };

/** Ids the database keeps as uuid: anything else is simply not found (PostgreSQL would refuse it as 22P02). */
export const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** Realms and customer groups: short lowercase names, as the migration's CHECK has them. */
export const isSlug = (v: string) => /^[a-z0-9][a-z0-9-]{0,63}$/.test(v);

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailProblem(email: string): InputProblem | null {
  const e = email.trim();
  if (e.length === 0 || e.length > EMAIL_MAX) return { field: 'email', message: `email is 1 to ${EMAIL_MAX} characters` };
  // Deliberately simple (HTML's own rule): one @, a dot in the domain, no spaces; the verification mail proves the rest.
  if (!/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(e)) return { field: 'email', message: 'email must look like name@example.com' };
  return null;
}

export function nameProblem(name: string | null | undefined): InputProblem | null {
  if (name == null) return null;
  if (name.trim().length === 0 || name.length > NAME_MAX) return { field: 'name', message: `name is 1 to ${NAME_MAX} characters` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\u0000-\u001f\u007f]/.test(name)) return { field: 'name', message: 'name must not contain control characters' };
  return null;
}

export function passwordProblem(password: string, email: string): InputProblem | null {
  if (password.length < PASSWORD_MIN) return { field: 'password', message: `password must be at least ${PASSWORD_MIN} characters` };
  if (password.length > PASSWORD_MAX) return { field: 'password', message: `password must be at most ${PASSWORD_MAX} characters` };
  if (COMMON.has(password.toLowerCase())) return { field: 'password', message: 'password is one of the most common passwords' };
  const local = normaliseEmail(email).split('@')[0] ?? '';
  if (local.length >= 4 && password.toLowerCase().includes(local)) return { field: 'password', message: 'password must not contain the email address' };
  return null;
}
