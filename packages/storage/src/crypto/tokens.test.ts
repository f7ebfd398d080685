import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  generateApiKey,
  generateEncryptionKey,
  hashApiKey,
  TokenCipher,
} from './tokens.js';

describe('TokenCipher', () => {
  const cipher = new TokenCipher(generateEncryptionKey());

  it('round-trips and never stores the plaintext', () => {
    const token = 'EAAGm0PX4ZCpsBAOZCZBZB1234567890';
    const sealed = cipher.encrypt(token, 'binding:1');
    expect(sealed).not.toContain(token);
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(cipher.decrypt(sealed, 'binding:1')).toBe(token);
    expect(cipher.encrypt(token, 'binding:1')).not.toBe(sealed);
  });

  it('refuses a ciphertext moved to another record, tampered with, or under another key', () => {
    const sealed = cipher.encrypt('secret-token', 'binding:1');
    expect(() => cipher.decrypt(sealed, 'binding:2')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x'.repeat(12)).toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'binding:1')).toThrow();
    expect(() => new TokenCipher(generateEncryptionKey()).decrypt(sealed, 'binding:1')).toThrow();
    expect(() => cipher.decrypt('plain-token', 'binding:1')).toThrow();
  });

  it('takes a 32-byte key in base64 or hex, and nothing else', () => {
    expect(() => new TokenCipher('a'.repeat(64))).not.toThrow();
    expect(() => new TokenCipher('too-short')).toThrow(/32 bytes/);
  });
});

describe('API keys', () => {
  it('are long, random, and stored as a hash', () => {
    const a = generateApiKey();
    expect(a).toMatch(/^cx_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(a);
    expect(hashApiKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(a)).not.toContain(a.slice(3));
    expect(constantTimeEqual(a, a)).toBe(true);
    expect(constantTimeEqual(a, `${a}x`)).toBe(false);
  });
});
