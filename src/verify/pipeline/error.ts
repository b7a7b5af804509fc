/**
 * The one failure kind of the verification pipeline: a step that cannot let a version through throws a
 * VerdictError naming the status, the reason code and a plain-language message; the pipeline turns it
 * into a verdict in one place (./index.ts `toVerdict`).
 */
import type { InvalidCode, NoProvenanceCode, UnavailableCode, Verdict } from '../types';

export type VerdictErrorSpec =
  | { status: 'invalid'; code: InvalidCode }
  | { status: 'unavailable'; code: UnavailableCode }
  | { status: 'no-provenance'; code: NoProvenanceCode };

export class VerdictError extends Error {
  override readonly name = 'VerdictError';
  readonly status: VerdictErrorSpec['status'];
  readonly code: VerdictErrorSpec['code'];
  /** Fields the verdict carries besides those the pipeline knows (e.g. which registry answered). */
  readonly extra: Partial<Verdict>;
  /**
   * 'registry': a finding about the version as the registry serves it (cacheable when final);
   * 'request': about this request only (its lockfile integrity or tarball URL): never cached.
   */
  readonly scope: 'registry' | 'request';

  constructor(spec: VerdictErrorSpec, message: string, options: { extra?: Partial<Verdict>; scope?: 'registry' | 'request' } = {}) {
    super(message);
    this.status = spec.status;
    this.code = spec.code;
    this.extra = options.extra ?? {};
    this.scope = options.scope ?? 'registry';
  }
}

export const invalid = (code: InvalidCode, message: string, options?: ConstructorParameters<typeof VerdictError>[2]): VerdictError =>
  new VerdictError({ status: 'invalid', code }, message, options);

export const unavailable = (
  code: UnavailableCode,
  message: string,
  options?: ConstructorParameters<typeof VerdictError>[2],
): VerdictError => new VerdictError({ status: 'unavailable', code }, message, options);

/** Thrown when the caller's signal aborts the work. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new Cancelled();
}
