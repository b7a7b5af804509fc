/**
 * Typed errors of the cryptographic core (trust material, registry signatures, attestations).
 *
 * Verification results are never thrown: `verifyRegistrySignatures` and `verifyAttestations` return
 * values. Only loading trust material (and parsing key documents) throws, always one of these.
 */

/** Trust material (Sigstore trusted root, npm registry keys) could not be loaded or is unusable. */
export class TrustMaterialError extends Error {
  readonly code = 'trust-material-unavailable' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrustMaterialError';
  }
}

/** A document of npm registry keys (TUF target or `/-/npm/v1/keys`) is malformed. */
export class MalformedNpmKeysError extends TrustMaterialError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedNpmKeysError';
  }
}

/** The message of any thrown value, for plain-language reasons. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
