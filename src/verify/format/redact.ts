/**
 * Credential redaction for everything that leaves the engine or the registry client: verdicts (their
 * `registry` fields and messages), registry observations, log lines, CLI output, reports and hovers.
 *
 * A registry URL may carry credentials (`https://user:pass@host/`, `?token=…`), and .npmrc-style text
 * may name `_authToken=…`. All of them become `***`. One function (`redactSecrets`) does the text; the
 * others apply it to structured data. No `vscode` import.
 */
import type { EngineLogger } from '../api';

// user-info runs to the last '@' before the host: a password may hold a raw '@' (`https://u:p@ss@host/`)
const SCHEME_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>]*)@/gi;
// query parameters whose name suggests a secret (the text form here, the URL form in redactUrl)
const SECRET_WORDS = 'token|auth|key|secret|password|passwd|sig|credential';
const SECRET_NAME = new RegExp(SECRET_WORDS, 'i');
const SECRET_QUERY = new RegExp(`([?&][^=&\\s#"'<>]*(?:${SECRET_WORDS})[^=&\\s#"'<>]*=)[^&\\s#"'<>]*`, 'gi');

/** Whether a query parameter of that name is redacted (it suggests a secret). */
export function isSecretParamName(name: string): boolean {
  return SECRET_NAME.test(name);
}
// npmrc-style settings: //host/:_authToken=…, _auth=…, _password=…, npm_config__authtoken=…
const NPMRC_SECRET = /((?:_authToken|_auth|_password|authtoken|_authtoken)\s*=\s*)("?)[^\s"]+/gi;
// an Authorization header value written out
const AUTH_HEADER = /\b(authorization\s*:\s*(?:bearer|basic)\s+)\S+/gi;

// What each of the four patterns needs to match at all ('://'; '?' or '&' before an '='; 'auth' in
// _auth, _authToken, authtoken and authorization; '_password'): a text without any is returned as it is,
// after one scan instead of four replacements (most verdict strings: names, versions, digests).
const MAY_HOLD_SECRET = /:\/\/|[?&][^=]*=|auth|_passw/i;

/** The text with URL credentials, secret query parameters and npmrc auth values replaced by `***`. */
export function redactSecrets(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  if (!MAY_HOLD_SECRET.test(text)) return text;
  return replaceSecrets(text);
}

/** The four replacements, on any text (exported for the test that holds the shortcut above to them). */
export function replaceSecrets(text: string): string {
  return text
    .replace(SCHEME_USERINFO, (all, scheme: string, userinfo: string) => {
      // user-info of an http(s) URL is always a credential (a username alone may be a token);
      // for other schemes (git+ssh://git@github.com) only when it carries a password.
      if (/^https?:\/\/$/i.test(scheme) || userinfo.includes(':')) return `${scheme}***@`;
      return all;
    })
    .replace(SECRET_QUERY, '$1***')
    .replace(NPMRC_SECRET, '$1$2***')
    .replace(AUTH_HEADER, '$1***');
}

/** A deep copy of plain data (verdicts, observations, reports) with every string redacted. */
export function redactDeep<T>(value: T): T {
  return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactValue(v, depth + 1);
  return out;
}

/** A verdict as it may leave the engine: no credentials in its registry fields, messages or facts. */
export function redactVerdict<T extends object>(verdict: T): T {
  return redactDeep(verdict);
}

/** A logger that redacts every line before passing it on. */
export function redactingLogger(logger: EngineLogger): EngineLogger {
  return {
    ...(logger.debugEnabled !== undefined ? { debugEnabled: logger.debugEnabled } : {}),
    debug: (m) => {
      if (logger.debugEnabled !== false) logger.debug(redactSecrets(m));
    },
    info: (m) => logger.info(redactSecrets(m)),
    warn: (m) => logger.warn(redactSecrets(m)),
    error: (m) => logger.error(redactSecrets(m)),
  };
}

/** A text sink (stdout, stderr) that redacts what it is given: the last line of defence for CLI output. */
export function redactingWriter(write: (s: string) => void): (s: string) => void {
  return (s) => write(redactSecrets(s));
}
