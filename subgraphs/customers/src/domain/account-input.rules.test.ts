import { describe, expect, it } from 'vitest';
import { emailProblem, nameProblem, normaliseEmail, passwordProblem } from './account-input.rules.ts';

describe('account input rules', () => {
  it('accepts an ordinary email and refuses malformed ones by field', () => {
    expect(emailProblem('anna@example.com')).toBeNull();
    for (const bad of ['', 'anna', 'anna@', '@example.com', 'anna@example', 'an na@example.com', `${'a'.repeat(250)}@ex.com`]) {
      expect(emailProblem(bad)?.field).toBe('email');
    }
  });

  it('normalises case and surrounding space so one address is one account', () => {
    expect(normaliseEmail('  Anna@Example.COM ')).toBe('anna@example.com');
  });

  it('refuses names of 10 KB and names with control characters', () => {
    expect(nameProblem('Anna Schmidt')).toBeNull();
    expect(nameProblem('x'.repeat(10_240))?.message).toBe('name is 1 to 120 characters');
    expect(nameProblem('Anna\u0000')?.field).toBe('name');
  });

  it('states the password rule: 10 to 256 characters, not a common password, not the email', () => {
    expect(passwordProblem('correct horse battery', 'anna@example.com')).toBeNull();
    expect(passwordProblem('short', 'anna@example.com')?.message).toBe('password must be at least 10 characters');
    expect(passwordProblem('p'.repeat(257), 'anna@example.com')?.message).toBe('password must be at most 256 characters');
    expect(passwordProblem('Password123', 'anna@example.com')?.message).toBe('password is one of the most common passwords');
    expect(passwordProblem('my-annasmith-secret', 'annasmith@example.com')?.message).toBe('password must not contain the email address');
  });
});
