import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { AuthError, verifyBearer, type Principal } from './identity.ts';

export interface OidcOptions {
  issuer: string;
  jwksUrl: string;
  /** The `aud` the provider puts in tokens meant for this shop (its client id). */
  audience?: string;
}

/**
 * An external OpenID Connect provider, beside (or instead of) the built-in accounts: its tokens are verified
 * against its published keys (JWKS, fetched once and refreshed when an unknown key id shows up, as jose does),
 * then mapped to an account of the channel's realm by the customers subgraph (AccountDirectory.externalAccount).
 */
export class ExternalIdentityVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly opts: OidcOptions) {
    this.keys = createRemoteJWKSet(new URL(opts.jwksUrl), { timeoutDuration: 2_000, cooldownDuration: 30_000 });
  }

  /** Whether the token claims to be this provider's (unverified peek; verification follows). */
  claims(token: string): boolean {
    try {
      return decodeJwt(token).iss === this.opts.issuer;
    } catch {
      return false;
    }
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        algorithms: ['RS256', 'ES256', 'EdDSA'],
        requiredClaims: ['sub', 'exp'],
      });
      if (typeof payload.email !== 'string') throw new AuthError('the identity provider gave no email');
      return {
        sub: payload.sub!,
        kind: 'customer',
        iss: this.opts.issuer,
        email: payload.email,
        emailVerified: payload.email_verified === true,
        name: typeof payload.name === 'string' ? payload.name : undefined,
        external: true,
      };
    } catch (err) {
      if (err instanceof AuthError) throw err;
      throw new AuthError('invalid or expired access token');
    }
  }
}

export type Authenticate = (authorization: string | undefined) => Promise<Principal | null>;

/** One way to read the Authorization header for every BFF route: the external provider's tokens, else ours. */
export function bearerAuthenticator(idpSecret: string, oidc: ExternalIdentityVerifier | undefined): Authenticate {
  return async (authorization) => {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
    if (token && oidc?.claims(token)) return oidc.verify(token);
    return verifyBearer(authorization, idpSecret);
  };
}
