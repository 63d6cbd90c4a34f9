import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ensureLocalKeys, localIssuer } from './local-keys';
import { principalFromClaims, type Principal } from './principal';
import { DomainError } from '../domain/errors';

export { localIssuer } from './local-keys';

/** A missing or unacceptable token; the message is a short reason that is safe to show the caller. */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
}

export interface TokenVerifier {
  verify(authorizationHeader: string | null | undefined): Promise<Principal>;
}

export interface TokenVerifierOptions {
  mode: 'entra' | 'local';
  audience: string;
  jwksUri: string;
  /** Absolute (see resolveKeysDir). */
  localKeysDir: string;
  /** Lower-case tenant ids whose tokens are accepted; undefined: every tenant. */
  allowedTenants?: readonly string[] | undefined;
}

const clockToleranceSeconds = 60;
const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && guidPattern.test(value);
}

export function entraIssuer(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = options.mode === 'entra' ? createRemoteJWKSet(new URL(options.jwksUri)) : localKeySet(options.localKeysDir);
  const issuerOf = options.mode === 'entra' ? entraIssuer : localIssuer;
  return {
    async verify(authorizationHeader) {
      const payload = await verifiedPayload(bearerToken(authorizationHeader), keys, options.audience);
      if (!isTenantId(payload.tid)) throw new AuthenticationError('tid is not a tenant id');
      // One key set signs the tokens of every tenant, so the signature alone does not vouch for `tid`;
      // the issuer, which names the tenant that issued the token, must be that of `tid`.
      if (payload.iss !== issuerOf(payload.tid)) throw new AuthenticationError('wrong issuer');
      if (options.allowedTenants && !options.allowedTenants.includes(payload.tid.toLowerCase())) {
        throw new DomainError('forbidden', 'This deployment does not serve your organization (its tenant is not among AUTH_ALLOWED_TENANTS).');
      }
      return principalFromClaims({
        tid: payload.tid,
        oid: typeof payload.oid === 'string' ? payload.oid : undefined,
        sub: payload.sub,
        roles: payload.roles,
        wids: payload.wids,
      });
    },
  };
}

function bearerToken(authorizationHeader: string | null | undefined): string {
  const [scheme = '', token = '', ...rest] = (authorizationHeader ?? '').trim().split(/\s+/);
  if (scheme === '') throw new AuthenticationError('missing bearer token');
  if (scheme.toLowerCase() !== 'bearer') throw new AuthenticationError('authorization scheme is not Bearer');
  if (token === '') throw new AuthenticationError('missing bearer token');
  if (rest.length > 0) throw new AuthenticationError('malformed bearer token');
  return token;
}

async function verifiedPayload(token: string, keys: JWTVerifyGetKey, audience: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, keys, { algorithms: ['RS256'], audience, clockTolerance: clockToleranceSeconds, requiredClaims: ['exp', 'tid'] });
    return payload;
  } catch (error) {
    const reason = rejectionReason(error);
    if (reason === undefined) throw error;
    throw new AuthenticationError(reason);
  }
}

// Only faults of the token become a 401; an unreachable JWKS endpoint or an unusable local key file is
// the service's fault and stays an error (500), so callers are not told to fix a good token.
function rejectionReason(error: unknown): string | undefined {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return claimRejectionReason(error.claim, error.reason);
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'invalid signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'signing algorithm not allowed';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'unknown signing key';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) return 'malformed token';
  return undefined;
}

function claimRejectionReason(claim: string, reason: string): string {
  if (reason === 'missing') return `missing ${claim} claim`;
  if (claim === 'aud') return 'wrong audience';
  if (claim === 'nbf') return 'token not yet valid';
  return `invalid ${claim} claim`;
}

// Loaded on first use rather than at start-up, and loaded again after a failure, so that fixing the
// key folder does not need a restart.
function localKeySet(dir: string): JWTVerifyGetKey {
  let keySet: Promise<ReturnType<typeof createLocalJWKSet>> | undefined;
  return async (protectedHeader, token) => {
    keySet ??= ensureLocalKeys(dir).then(
      ({ jwks }) => createLocalJWKSet(jwks),
      (error: unknown) => {
        keySet = undefined;
        throw error;
      },
    );
    return (await keySet)(protectedHeader, token);
  };
}
