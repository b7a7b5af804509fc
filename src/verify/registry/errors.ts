/**
 * Errors of the registry client. Every failure to get a registry document is a RegistryError
 * whose `code` is the UnavailableCode the engine reports: nothing about the package is claimed.
 */
import type { UnavailableCode } from '../types';
import { isSecretParamName } from '../format/redact';

export type RegistryErrorCode = Extract<
  UnavailableCode,
  | 'network-error'
  | 'timeout'
  | 'registry-error'
  | 'rate-limited'
  | 'not-found'
  | 'auth-required'
  | 'malformed-response'
  | 'offline'
  | 'cancelled'
>;

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: RegistryErrorCode;
  /** HTTP status of the last response, when there was one. */
  readonly status?: number;
  /** The URL asked for, with any credentials redacted. */
  readonly url: string;

  constructor(code: RegistryErrorCode, message: string, details: { url: string; status?: number; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.url = redactUrl(details.url);
    if (details.status !== undefined) this.status = details.status;
  }
}

export function isRegistryError(value: unknown): value is RegistryError {
  return value instanceof RegistryError;
}

/**
 * Removes credentials from a URL for messages and logs: user-info, and query parameters whose
 * names suggest a secret. Non-URLs are returned with anything that looks like user-info removed.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '***';
      parsed.password = '';
    }
    for (const key of [...parsed.searchParams.keys()]) {
      if (isSecretParamName(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/\s]*@/, '//***@'); // up to the last '@': a password may hold one
  }
}
