import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { HttpResponse, http } from 'msw';
import { serveHandlers, type ServedHandlers } from './msw-port.ts';

export const OIDC_STANDIN_AUDIENCE = 'storegraph-storefront';

/**
 * A stand-in for an external OpenID Connect provider (the parts the BFFs use): its JWKS, and a route the
 * tests call to have it issue a token for a user (`POST /__standin/token {sub, email, email_verified, name}`),
 * as its login page would after the user signed in there. Keys are ES256, made at start.
 */
export async function serveOidcProviderStandin(): Promise<ServedHandlers & { issuer: string; jwksUrl: string }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'standin-1', alg: 'ES256', use: 'sig' };
  let issuer = '';
  const handlers = [
    http.get('*/jwks.json', () => HttpResponse.json({ keys: [jwk] })),
    http.post('*/__standin/token', async ({ request }) => {
      const claims = (await request.json()) as { sub: string; email: string; email_verified?: boolean; name?: string; ttl?: string };
      const token = await new SignJWT({ email: claims.email, email_verified: claims.email_verified ?? false, name: claims.name })
        .setProtectedHeader({ alg: 'ES256', kid: 'standin-1' })
        .setIssuer(issuer)
        .setAudience(OIDC_STANDIN_AUDIENCE)
        .setSubject(claims.sub)
        .setIssuedAt()
        .setExpirationTime(claims.ttl ?? '5m')
        .sign(privateKey);
      return HttpResponse.json({ access_token: token, token_type: 'Bearer' });
    }),
  ];
  const served = await serveHandlers(handlers, () => HttpResponse.json({ error: 'not_found' }, { status: 404 }));
  issuer = `${served.url}/`;
  return { ...served, issuer, jwksUrl: `${served.url}/jwks.json` };
}
