/**
 * Type guards for untrusted JSON (registry documents, lockfiles, attestations, policy and trust files):
 * one definition of "a JSON object", used everywhere. Never imports `vscode`.
 */

/** A JSON object: not null, not an array. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value when it is a JSON object, else undefined. */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}
