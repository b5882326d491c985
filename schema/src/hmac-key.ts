const keys = new Map<string, Promise<CryptoKey>>();

/**
 * The HS256 key for a shared secret, imported once per process. Given the raw secret, jose imports it
 * again on every sign and verify, which was half the cost of checking a token on each request.
 */
export function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}
