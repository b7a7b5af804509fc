/**
 * The on-disk HTTP cache of registry responses.
 *
 * Why not make-fetch-happen's cache: it streams every 200 body into cacache while the caller reads it,
 * so a body the caller refuses at its byte cap is still read to the end (the cache write keeps pulling),
 * and an aborted or refused response leaves its half-written temporary file in `tmp/` for ever (cacache
 * waits for integrity/size events that never come). Here a body is stored only once it has been read
 * completely under its cap: one file per entry (a JSON header line, then the body), written to a
 * temporary file that is renamed into place or removed, whatever happens.
 *
 * Entries are revalidated with their ETag / Last-Modified, served without a request while `max-age`
 * says they are fresh, and served as they are in offline mode. The body's sha512 is checked on every
 * read; an entry that does not read back cleanly is dropped.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readRegularFile } from '../fs/safeRead';
import { redactUrl } from './errors';

export interface CachedResponse {
  body: Buffer;
  etag?: string;
  lastModified?: string;
  /** Whether Cache-Control still allows serving it without asking the registry. */
  fresh: boolean;
}

interface EntryHeader {
  v: 1;
  /** Without credentials (the file name is the hash of the full URL): checks the entry is the one asked for. */
  url: string;
  accept: string;
  etag?: string;
  lastModified?: string;
  storedAt: number;
  freshUntil: number;
  sha512: string;
  size: number;
}

export interface ResponseHeaders {
  etag?: string | null;
  lastModified?: string | null;
  cacheControl?: string | null;
  age?: string | null;
}

const HEADER_MAX = 16 * 1024;

/** Directives of a Cache-Control header (lower-cased names; values without quotes). */
function parseCacheControl(value: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!value) return out;
  for (const part of value.split(',')) {
    const [name, ...rest] = part.split('=');
    const key = name!.trim().toLowerCase();
    if (key) out.set(key, rest.join('=').trim().replace(/^"|"$/g, ''));
  }
  return out;
}

/**
 * Milliseconds a response may be served without revalidation; undefined: must not be stored.
 * `heuristicMs` is the lifetime given to a response that says nothing at all about caching (no
 * Cache-Control, ETag or Last-Modified: it can never be revalidated), as RFC 9111 4.2.2 allows.
 */
export function freshnessLifetime(headers: ResponseHeaders, heuristicMs = 0): number | undefined {
  const cc = parseCacheControl(headers.cacheControl);
  if (cc.has('no-store')) return undefined;
  if (cc.has('no-cache') || cc.has('must-revalidate')) return 0;
  const maxAge = cc.get('max-age');
  if (maxAge === undefined && cc.size === 0 && !headerValue(headers.etag) && !headerValue(headers.lastModified))
    return Math.max(0, heuristicMs);
  if (maxAge === undefined || !/^\d+$/.test(maxAge)) return 0;
  const age = headers.age && /^\d+$/.test(headers.age.trim()) ? Number(headers.age.trim()) : 0;
  return Math.max(0, (Number(maxAge) - age) * 1000);
}

function headerValue(v: string | null | undefined): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= 1024 && !/[\r\n]/.test(v) ? v : undefined;
}

export class HttpCache {
  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  private entryPath(url: string, accept: string): string {
    const hash = createHash('sha256').update(`${accept}\n${url}`).digest('hex');
    return path.join(this.dir, 'entries', hash.slice(0, 2), hash);
  }

  /** The stored response for url + accept when it reads back intact and within `maxBytes`. */
  async get(url: string, accept: string, maxBytes: number): Promise<CachedResponse | undefined> {
    const file = this.entryPath(url, accept);
    let raw: Buffer;
    try {
      raw = await readRegularFile(file, { maxBytes: maxBytes + HEADER_MAX, what: 'cache entry' });
    } catch {
      return undefined;
    }
    const nl = raw.indexOf(0x0a);
    let header: EntryHeader;
    try {
      if (nl < 0 || nl > HEADER_MAX) throw new Error('no header');
      header = JSON.parse(raw.subarray(0, nl).toString('utf8')) as EntryHeader;
      if (header.v !== 1 || header.url !== redactUrl(url) || header.accept !== accept) throw new Error('another entry');
    } catch {
      await this.drop(file);
      return undefined;
    }
    const body = raw.subarray(nl + 1);
    if (body.length !== header.size || createHash('sha512').update(body).digest('base64') !== header.sha512) {
      await this.drop(file);
      return undefined;
    }
    if (body.length > maxBytes) return undefined; // intact, but more than this request accepts
    return {
      body,
      ...(header.etag ? { etag: header.etag } : {}),
      ...(header.lastModified ? { lastModified: header.lastModified } : {}),
      fresh: this.now() < header.freshUntil,
    };
  }

  /**
   * Stores a complete body. Written to `tmp/` and renamed into place; the temporary file is removed
   * when anything fails. Responses marked no-store are not stored (and any older entry is dropped).
   */
  async put(url: string, accept: string, body: Buffer, headers: ResponseHeaders, heuristicMs = 0): Promise<void> {
    const file = this.entryPath(url, accept);
    const lifetime = freshnessLifetime(headers, heuristicMs);
    if (lifetime === undefined) {
      await this.drop(file);
      return;
    }
    const now = this.now();
    const etag = headerValue(headers.etag);
    const lastModified = headerValue(headers.lastModified);
    const header: EntryHeader = {
      v: 1,
      url: redactUrl(url),
      accept,
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
      storedAt: now,
      freshUntil: now + lifetime,
      sha512: createHash('sha512').update(body).digest('base64'),
      size: body.length,
    };
    const tmpDir = path.join(this.dir, 'tmp');
    const tmp = path.join(tmpDir, `${randomBytes(8).toString('hex')}.tmp`);
    let moved = false;
    try {
      await fs.mkdir(tmpDir, { recursive: true });
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]), { flag: 'wx' });
      await fs.rename(tmp, file);
      moved = true;
    } finally {
      if (!moved) await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  /** Forgets the entry for url + accept (a stored body that turned out to be unusable). */
  async delete(url: string, accept: string): Promise<void> {
    await this.drop(this.entryPath(url, accept));
  }

  private async drop(file: string): Promise<void> {
    await fs.rm(file, { force: true }).catch(() => undefined);
  }
}
