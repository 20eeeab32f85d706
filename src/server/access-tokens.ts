// Short-lived access tokens, as Deepgram's POST /v1/auth/grant issues them: a JWT a backend hands to
// a browser so that the page never holds an API key. They open /v1/listen only, and only at the
// handshake: a stream outlives its token, as on Deepgram.
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { HandshakeError } from '../protocol/failure-codes.js';

export const GRANT_TTL_SECONDS = { default: 30, min: 1, max: 3600 } as const;

const ISSUER = 'earshot';
const SCOPE = 'listen';
const ALGORITHM = 'HS256';
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

export interface Grant {
  access_token: string;
  expires_in: number;
}

export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** Is this credential a token (checked here) rather than an API key (checked against the keys)? */
  static isToken(credential: string): boolean {
    return JWT_SHAPE.test(credential);
  }

  /** `subject` names the key that asked, so a stream opened with the token is traceable to it. */
  async grant(subject: string, ttlSeconds: number = GRANT_TTL_SECONDS.default): Promise<Grant> {
    const token = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(subject)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.key);
    return { access_token: token, expires_in: ttlSeconds };
  }

  /**
   * Resolves with the token's subject (the key id it was granted to) if it was issued here, is
   * unexpired and grants listening; else throws a 401.
   */
  async verify(token: string): Promise<string | undefined> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.key, { algorithms: [ALGORITHM], issuer: ISSUER, requiredClaims: ['exp'] }));
    } catch (err) {
      throw refusal(err);
    }
    if (claims.scope !== SCOPE) throw invalid(`it does not grant '${SCOPE}' (its scope is '${String(claims.scope)}')`);
    return claims.sub;
  }
}

// Each text starts with its row's message, which is how explainRefusal tells the 401s apart.
function refusal(err: unknown): HandshakeError {
  if (err instanceof errors.JWTExpired) {
    const expired = new Date(Number(err.payload.exp) * 1000).toISOString();
    return new HandshakeError('TOKEN_EXPIRED', `The access token has expired (at ${expired}); ask POST /v1/auth/grant for a new one.`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalid('its signature does not verify, so this server did not issue it');
  if (err instanceof errors.JOSEAlgNotAllowed) return invalid(`it is not signed with ${ALGORITHM}`);
  if (err instanceof errors.JWTClaimValidationFailed) return invalid(`its '${err.claim}' claim is ${err.reason === 'missing' ? 'missing' : 'wrong'}`);
  return invalid('it is not a well-formed JWT');
}

function invalid(why: string): HandshakeError {
  return new HandshakeError('TOKEN_INVALID', `The access token is not valid: ${why}.`);
}
