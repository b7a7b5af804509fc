/**
 * The loopback fixture registry: a real HTTP server on 127.0.0.1 that speaks the parts of the npm
 * registry API provenance verification uses, serving the recorded real-world data (read at run time
 * from the in-repository copy, test/fixtures/realworld), synthetic packages, and injected faults.
 *
 * URL layout (`url` has no trailing slash; every registry below is `${url}/<prefix>`):
 *
 *   /                      root registry: for every name@version in cases.json the `verified` case's
 *                          attestations, nuxt's recorded full packument, the signature-only versions of
 *                          cases.json `registrySignatures`, and `extra` packages
 *   /case/<caseId>/        one registry per case (its own attestations, even when another case shares
 *                          the name@version), with the npm keys
 *   /mirror/               the root packages as the reachable mirror serves them: dist.signatures and
 *                          dist.attestations stripped, attestations and keys endpoints 404
 *   /<prefix>/             extra registries from `options.prefixes` (synthetic packages and keys)
 *
 * Endpoints under each registry R:
 *   GET R<name>                                  packument: abbreviated when Accept asks for
 *                                                application/vnd.npm.install-v1+json, else full (with time)
 *   GET R<name>/<version|dist-tag>               version document
 *   GET R<name>/-/<unscoped-name>-<version>.tgz  tarball (501 when not recorded)
 *   GET R-/npm/v1/attestations/<name>@<version>  attestations (404 when none; 501 when the version
 *                                                advertises attestations the data set did not record)
 *   GET R-/npm/v1/keys                           registry keys, /-/npm/v1/keys format
 * Names may be escaped (`@scope%2fname`) or not (`@scope/name`).
 *
 * Every JSON/tarball response carries an ETag and `Cache-Control` (default `no-cache`, so clients
 * revalidate) and answers If-None-Match with 304.
 *
 * Times: nuxt's come from its recorded packument. The other cases' packuments carry `time[version]` taken
 * from the earliest Rekor integratedTime in the version's attestation bundles (the real publish time is
 * within seconds of it); the signature-only versions have no time.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as semver from 'semver';
import { type Realworld, type RealworldCase, loadRealworld, realworldPath } from './realworld';

// ---------------------------------------------------------------------------------------------
// Public types

export interface FixtureVersion {
  /**
   * The version document as served (name, version, dist...). Any string containing `{{registry}}` is
   * rewritten to the serving registry's URL (with trailing slash). When `tarball` is given and
   * `dist.tarball` is absent it is filled in; when `dist.attestations` is an object without `url`, the
   * url is filled in. Everything else is served exactly as given (hostile documents included).
   */
  versionDoc: Record<string, unknown>;
  /** Body of the attestations endpoint; null or absent => 404. */
  attestations?: unknown;
  /** Status for the attestations endpoint (e.g. 500), overriding the above. */
  attestationsStatus?: number;
  tarball?: Buffer;
  /** ISO publish time for the full packument's `time`. */
  time?: string;
}

export interface FixturePackage {
  name: string;
  versions: Record<string, FixtureVersion>;
  /** Default: { latest: highest version }. */
  distTags?: Record<string, string>;
}

export interface FixturePrefix {
  /** Path segment(s), e.g. 'synthetic' or 'synthetic/other' (served at `${url}/${prefix}/`). */
  prefix: string;
  packages: FixturePackage[];
  /** Body of `-/npm/v1/keys`; null or absent => 404. */
  keys?: unknown;
  /** Serve like a mirror: strip dist.signatures / dist.attestations, 404 attestations. */
  stripProvenance?: boolean;
}

export interface FaultRule {
  /** Path to match (query ignored). Strings are compared after URL-decoding both sides. */
  path: string | RegExp;
  method?: string;
  /** How many matching requests this applies to. Default: every one. */
  times?: number;
  /** Wait before answering (or before continuing normally when nothing else is set). */
  delayMs?: number;
  /** Answer with this status (body defaults to {"error": "..."}). */
  status?: number;
  headers?: Record<string, string>;
  /** Body for `status` (objects are sent as JSON). */
  body?: string | Buffer | object;
  /** Answer 200 with an HTML page. */
  nonJson?: boolean;
  /** Answer 200 streaming this many bytes of (valid-looking) JSON. */
  hugeBodyBytes?: number;
  /** With hugeBodyBytes: send Content-Length up front (default: chunked, no length). */
  hugeBodyContentLength?: boolean;
  /** Answer 302 to this location. */
  redirectTo?: string;
  /** Drop the connection without answering. */
  destroySocket?: boolean;
}

export interface FixtureRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Status sent (set when the response finished). */
  status?: number;
}

export interface FixtureRegistryOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Delay before every response (benchmarks). */
  latencyMs?: number;
  /** Extra packages served by the root registry (and, stripped, by /mirror/). */
  extra?: FixturePackage[];
  /**
   * Keys (entries of the `/-/npm/v1/keys` `keys` array) appended to the root registry's keys, so `extra`
   * packages signed by another registry key (e.g. the synthetic one) verify at the root too.
   */
  extraKeys?: unknown[];
  /** Extra registries with their own packages and keys. */
  prefixes?: FixturePrefix[];
  /** Faults active from the start (more can be added with `fault()`). */
  faults?: FaultRule[];
  /** Cache-Control sent with documents. Default 'no-cache'. */
  cacheControl?: string;
  /** Real-world data folder; default the in-repository test/fixtures/realworld; null: none. */
  realworldDir?: string | null;
}

export interface FixtureRegistry {
  /** http://127.0.0.1:<port> (no trailing slash). */
  url: string;
  port: number;
  /** Every request received, in order (the latest 50,000; tests may empty it with `requests.length = 0`). */
  requests: FixtureRequest[];
  /** Whether the real-world data was found (when not, only extra packages and prefixes are served). */
  realworld: boolean;
  /** Case ids served under /case/<id>/. */
  caseIds: string[];
  /** Registry URL of a case (with trailing slash). */
  caseUrl(caseId: string): string;
  /** Adds a fault rule; returns a function removing it. */
  fault(rule: FaultRule): () => void;
  clearFaults(): void;
  /** Concurrency seen by the server: requests being handled now, and the most at once. */
  stats: { active: number; maxActive: number };
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Internal model

type AttestationState = { kind: 'json'; body: unknown } | { kind: 'none' } | { kind: 'unrecorded' } | { kind: 'status'; status: number };

interface ServedVersion {
  doc: Record<string, unknown>;
  attestations: AttestationState;
  tarball?: Buffer;
  time?: string;
}

interface ServedPackage {
  name: string;
  distTags?: Record<string, string>;
  versions: Map<string, ServedVersion>;
  /** Top-level fields of a recorded packument (other than name, dist-tags, versions, time). */
  top?: Record<string, unknown>;
  /** Recorded packument times. */
  time?: Record<string, string>;
}

interface ServedRegistry {
  prefix: string; // '' or 'x/' (with trailing slash)
  packages: Map<string, ServedPackage>;
  keys: unknown;
  strip: boolean;
}

const ABBREVIATED_FIELDS = [
  'name',
  'version',
  'deprecated',
  'dependencies',
  'optionalDependencies',
  'devDependencies',
  'bundleDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bin',
  'directories',
  'dist',
  'engines',
  '_hasShrinkwrap',
  'hasInstallScript',
  'cpu',
  'os',
  'funding',
];

const CORGI_TYPE = 'application/vnd.npm.install-v1+json';
/** The request log keeps the most recent entries only (long benchmark / demo runs). */
const MAX_LOGGED_REQUESTS = 50_000;

function escapedName(name: string): string {
  return name.startsWith('@') ? name.replace('/', '%2f') : name;
}

function unscoped(name: string): string {
  return name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
}

function tarballPath(name: string, version: string): string {
  return `${name}/-/${unscoped(name)}-${version}.tgz`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The npm registry keys, from the @sigstore/tuf seed, in the /-/npm/v1/keys format. */
export function npmKeysFromTufSeed(): {
  keys: { expires: string | null; keyid: string; keytype: string; scheme: string; key: string }[];
} | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const seeds = require(require.resolve('@sigstore/tuf/seeds.json')) as Record<string, { targets?: Record<string, string> }>;
    for (const repo of Object.values(seeds)) {
      const target = repo.targets?.['registry.npmjs.org%2Fkeys.json'];
      if (!target) continue;
      const parsed = JSON.parse(Buffer.from(target, 'base64').toString('utf8')) as {
        keys: {
          keyId: string;
          keyUsage: string;
          publicKey: { rawBytes: string; keyDetails: string; validFor?: { start?: string; end?: string } };
        }[];
      };
      const keys = parsed.keys
        .filter((k) => k.keyUsage === 'npm:signatures')
        .map((k) => ({
          expires: k.publicKey.validFor?.end ?? null,
          keyid: k.keyId,
          keytype: 'ecdsa-sha2-nistp256',
          scheme: 'ecdsa-sha2-nistp256',
          key: k.publicKey.rawBytes,
        }));
      return { keys };
    }
  } catch {
    /* fall through */
  }
  return null;
}

function earliestIntegratedTime(attestations: unknown): string | undefined {
  if (!isObject(attestations) || !Array.isArray(attestations.attestations)) return undefined;
  let min: number | undefined;
  for (const a of attestations.attestations as unknown[]) {
    const entries =
      isObject(a) && isObject(a.bundle) && isObject(a.bundle.verificationMaterial) ? a.bundle.verificationMaterial.tlogEntries : undefined;
    if (!Array.isArray(entries)) continue;
    for (const e of entries as unknown[]) {
      const t = isObject(e) ? Number(e.integratedTime) : NaN;
      if (Number.isFinite(t) && t > 0 && (min === undefined || t < min)) min = t;
    }
  }
  return min === undefined ? undefined : new Date(min * 1000).toISOString();
}

function sha1Hex(buf: Buffer): string {
  return createHash('sha1').update(buf).digest('hex');
}

function caseVersion(rw: Realworld, c: RealworldCase): ServedVersion {
  const tarball = c.tarball ? rw.read(c.tarball) : undefined;
  const attestations = rw.readJson(c.attestations);
  const provenanceType = c.predicateTypes?.find((t) => t.startsWith('https://slsa.dev/provenance/'));
  const dist: Record<string, unknown> = {
    integrity: c.integrity,
    ...(tarball ? { shasum: sha1Hex(tarball) } : {}),
    tarball: `{{registry}}${tarballPath(c.name, c.version)}`,
    ...(c.registrySignatures ? { signatures: c.registrySignatures } : {}),
    attestations: {
      url: `{{registry}}-/npm/v1/attestations/${escapedName(c.name)}@${c.version}`,
      ...(provenanceType ? { provenance: { predicateType: provenanceType } } : {}),
    },
  };
  const time = earliestIntegratedTime(attestations);
  return {
    doc: { name: c.name, version: c.version, _id: `${c.name}@${c.version}`, dist },
    attestations: { kind: 'json', body: attestations },
    ...(tarball ? { tarball } : {}),
    ...(time ? { time } : {}),
  };
}

/** A recorded full packument (nuxt): versions as recorded; attestations from the given cases. */
function recordedPackage(rw: Realworld, file: string, attested: RealworldCase[]): ServedPackage {
  const doc = rw.readJson(file) as Record<string, unknown>;
  const name = String(doc.name);
  const versions = new Map<string, ServedVersion>();
  const byVersion = new Map(attested.map((c) => [c.version, c]));
  for (const [version, v] of Object.entries(isObject(doc.versions) ? doc.versions : {})) {
    if (!isObject(v)) continue;
    const c = byVersion.get(version);
    const advertises = isObject(v.dist) && v.dist.attestations !== undefined;
    versions.set(version, {
      doc: v,
      attestations: c ? { kind: 'json', body: rw.readJson(c.attestations) } : advertises ? { kind: 'unrecorded' } : { kind: 'none' },
    });
  }
  const top: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!['name', 'dist-tags', 'versions', 'time'].includes(k)) top[k] = v;
  return {
    name,
    ...(isObject(doc['dist-tags']) ? { distTags: doc['dist-tags'] as Record<string, string> } : {}),
    versions,
    top,
    ...(isObject(doc.time) ? { time: doc.time as Record<string, string> } : {}),
  };
}

function fromFixture(pkg: FixturePackage): ServedPackage {
  const versions = new Map<string, ServedVersion>();
  for (const [version, v] of Object.entries(pkg.versions)) {
    const doc = structuredClone(v.versionDoc);
    const dist = isObject(doc.dist) ? doc.dist : undefined;
    if (dist && v.tarball && dist.tarball === undefined) dist.tarball = `{{registry}}${tarballPath(pkg.name, version)}`;
    if (dist && isObject(dist.attestations) && dist.attestations.url === undefined) {
      dist.attestations.url = `{{registry}}-/npm/v1/attestations/${escapedName(pkg.name)}@${version}`;
    }
    const attestations: AttestationState =
      v.attestationsStatus !== undefined
        ? { kind: 'status', status: v.attestationsStatus }
        : v.attestations === undefined || v.attestations === null
          ? { kind: 'none' }
          : { kind: 'json', body: v.attestations };
    versions.set(version, { doc, attestations, ...(v.tarball ? { tarball: v.tarball } : {}), ...(v.time ? { time: v.time } : {}) });
  }
  return { name: pkg.name, ...(pkg.distTags ? { distTags: pkg.distTags } : {}), versions };
}

function addPackage(target: Map<string, ServedPackage>, pkg: ServedPackage): void {
  const existing = target.get(pkg.name);
  if (!existing) {
    target.set(pkg.name, { ...pkg, versions: new Map(pkg.versions) });
    return;
  }
  for (const [v, sv] of pkg.versions) existing.versions.set(v, sv);
  if (pkg.distTags) existing.distTags = { ...existing.distTags, ...pkg.distTags };
}

function buildRegistries(options: FixtureRegistryOptions): { registries: ServedRegistry[]; realworld: boolean; caseIds: string[] } {
  const rw = options.realworldDir === null ? undefined : loadRealworld(options.realworldDir ?? realworldPath());
  const npmKeys = npmKeysFromTufSeed();
  const root = new Map<string, ServedPackage>();
  const registries: ServedRegistry[] = [];
  const caseIds: string[] = [];

  if (rw) {
    // recorded packuments (nuxt), with the attestations of their cases
    const recordedFiles = new Map<string, RealworldCase[]>();
    for (const c of rw.cases) if (c.packument) recordedFiles.set(c.packument, [...(recordedFiles.get(c.packument) ?? []), c]);
    const recordedNames = new Set<string>();
    for (const [file, cases] of recordedFiles) {
      const verified = new Map<string, RealworldCase>();
      for (const c of cases) if (!verified.has(c.version) || c.expected === 'verified') verified.set(c.version, c);
      const pkg = recordedPackage(rw, file, [...verified.values()]);
      recordedNames.add(pkg.name);
      addPackage(root, pkg);
    }
    // other cases: root gets the `verified` variant of each name@version
    const chosen = new Map<string, RealworldCase>();
    for (const c of rw.cases) {
      if (recordedNames.has(c.name)) continue;
      const id = `${c.name}@${c.version}`;
      const prev = chosen.get(id);
      if (!prev || (prev.expected !== 'verified' && c.expected === 'verified')) chosen.set(id, c);
    }
    for (const c of chosen.values()) addPackage(root, { name: c.name, versions: new Map([[c.version, caseVersion(rw, c)]]) });
    // versions recorded only with their registry signatures (no attestations)
    for (const s of rw.registrySignatures) {
      if (root.get(s.name)?.versions.has(s.version)) continue;
      addPackage(root, {
        name: s.name,
        versions: new Map([
          [
            s.version,
            {
              doc: {
                name: s.name,
                version: s.version,
                _id: `${s.name}@${s.version}`,
                dist: { integrity: s.integrity, tarball: `{{registry}}${tarballPath(s.name, s.version)}`, signatures: s.signatures },
              },
              attestations: { kind: 'none' },
            },
          ],
        ]),
      });
    }
    // one registry per case
    for (const c of rw.cases) {
      const packages = new Map<string, ServedPackage>();
      if (c.packument) addPackage(packages, recordedPackage(rw, c.packument, [c]));
      else addPackage(packages, { name: c.name, versions: new Map([[c.version, caseVersion(rw, c)]]) });
      registries.push({ prefix: `case/${c.id}/`, packages, keys: npmKeys, strip: false });
      caseIds.push(c.id);
    }
  }
  for (const pkg of options.extra ?? []) addPackage(root, fromFixture(pkg));

  const rootKeys = options.extraKeys?.length ? { keys: [...(npmKeys?.keys ?? []), ...options.extraKeys] } : npmKeys;
  registries.push({ prefix: '', packages: root, keys: rootKeys, strip: false });
  registries.push({ prefix: 'mirror/', packages: root, keys: null, strip: true });
  for (const p of options.prefixes ?? []) {
    const prefix = p.prefix.replace(/^\/+|\/+$/g, '');
    if (!/^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(prefix)) throw new Error(`invalid fixture prefix: ${p.prefix}`);
    const packages = new Map<string, ServedPackage>();
    for (const pkg of p.packages) addPackage(packages, fromFixture(pkg));
    registries.push({ prefix: `${prefix}/`, packages, keys: p.keys ?? null, strip: p.stripProvenance === true });
  }
  // longest prefix first
  registries.sort((a, b) => b.prefix.length - a.prefix.length);
  return { registries, realworld: Boolean(rw), caseIds };
}

// ---------------------------------------------------------------------------------------------
// Rendering

function renderVersion(v: ServedVersion, base: string, strip: boolean): Record<string, unknown> {
  const json = JSON.stringify(v.doc);
  const doc = JSON.parse(json.includes('{{registry}}') ? json.split('{{registry}}').join(base) : json) as Record<string, unknown>;
  if (strip && isObject(doc.dist)) {
    const dist = { ...doc.dist };
    delete dist.signatures;
    delete dist.attestations;
    doc.dist = dist;
  }
  return doc;
}

function distTagsOf(pkg: ServedPackage): Record<string, string> {
  if (pkg.distTags) return pkg.distTags;
  const versions = [...pkg.versions.keys()].filter((v) => semver.valid(v)).sort(semver.rcompare);
  const latest = versions.find((v) => !semver.prerelease(v)) ?? versions[0] ?? [...pkg.versions.keys()][0];
  return latest ? { latest } : {};
}

function timesOf(pkg: ServedPackage): Record<string, string> | undefined {
  if (pkg.time) return pkg.time;
  const times: Record<string, string> = {};
  const all: string[] = [];
  for (const [version, v] of pkg.versions) {
    if (v.time) {
      times[version] = v.time;
      all.push(v.time);
    }
  }
  if (!all.length) return undefined;
  all.sort();
  return { created: all[0]!, modified: all[all.length - 1]!, ...times };
}

function renderPackument(pkg: ServedPackage, base: string, strip: boolean, abbreviated: boolean): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const [version, v] of pkg.versions) {
    const doc = renderVersion(v, base, strip);
    if (abbreviated) {
      const small: Record<string, unknown> = {};
      for (const f of ABBREVIATED_FIELDS) if (doc[f] !== undefined) small[f] = doc[f];
      versions[version] = small;
    } else {
      versions[version] = doc;
    }
  }
  const time = timesOf(pkg);
  if (abbreviated) {
    return { name: pkg.name, ...(time?.modified ? { modified: time.modified } : {}), 'dist-tags': distTagsOf(pkg), versions };
  }
  return { _id: pkg.name, ...pkg.top, name: pkg.name, 'dist-tags': distTagsOf(pkg), versions, ...(time ? { time } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Server

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

export async function startFixtureRegistry(options: FixtureRegistryOptions = {}): Promise<FixtureRegistry> {
  const { registries, realworld, caseIds } = buildRegistries(options);
  const requests: FixtureRequest[] = [];
  const faults: { rule: FaultRule; remaining: number }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const stats = { active: 0, maxActive: 0 };
  const rendered = new Map<string, string>();
  const cacheControl = options.cacheControl ?? 'no-cache';
  let base = '';
  let closed = false;

  const addFault = (rule: FaultRule): (() => void) => {
    const entry = { rule, remaining: rule.times ?? Infinity };
    faults.push(entry);
    return () => {
      const i = faults.indexOf(entry);
      if (i >= 0) faults.splice(i, 1);
    };
  };
  for (const rule of options.faults ?? []) addFault(rule);

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || closed) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const matchFault = (method: string, pathname: string): FaultRule | undefined => {
    const decoded = decodePath(pathname);
    for (const entry of faults) {
      const { rule } = entry;
      if (entry.remaining <= 0) continue;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      const hit = typeof rule.path === 'string' ? decodePath(rule.path) === decoded : rule.path.test(decoded) || rule.path.test(pathname);
      if (!hit) continue;
      entry.remaining--;
      return rule;
    }
    return undefined;
  };

  const send = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    body: string | Buffer,
    headers: Record<string, string>,
  ): void => {
    if (res.destroyed || res.headersSent) return;
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    const out: Record<string, string> = { ...headers };
    if (status === 200) {
      const etag = `"${createHash('sha1').update(buf).digest('base64url')}"`;
      out.etag = etag;
      out['cache-control'] ??= cacheControl;
      const inm = req.headers['if-none-match'];
      if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        res.writeHead(304, out);
        res.end();
        return;
      }
    }
    out['content-length'] = String(buf.length);
    res.writeHead(status, out);
    res.end(req.method === 'HEAD' ? undefined : buf);
  };

  const sendJson = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    value: unknown,
    contentType = 'application/json',
    vary = false,
  ): void => {
    send(req, res, status, typeof value === 'string' ? value : JSON.stringify(value), {
      'content-type': contentType,
      ...(vary ? { vary: 'Accept' } : {}),
    });
  };

  const notFound = (req: http.IncomingMessage, res: http.ServerResponse, error = 'Not found'): void => sendJson(req, res, 404, { error });

  const applyFault = async (rule: FaultRule, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    if (rule.delayMs) await delay(rule.delayMs);
    if (closed || res.destroyed) return true;
    if (rule.destroySocket) {
      req.socket.destroy();
      return true;
    }
    if (rule.redirectTo) {
      res.writeHead(302, { location: rule.redirectTo, 'content-length': '0', ...rule.headers });
      res.end();
      return true;
    }
    if (rule.nonJson) {
      send(req, res, 200, '<!doctype html><html><body><h1>Welcome to the proxy login page</h1></body></html>', {
        'content-type': 'text/html',
        ...rule.headers,
      });
      return true;
    }
    if (rule.hugeBodyBytes !== undefined) {
      const total = rule.hugeBodyBytes;
      const head = '{"name":"';
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(rule.hugeBodyContentLength ? { 'content-length': String(total) } : {}),
        ...rule.headers,
      });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = (): void => {
        while (sent < total && !res.destroyed) {
          const piece =
            sent === 0
              ? Buffer.concat([Buffer.from(head), chunk]).subarray(0, Math.min(total, chunk.length))
              : chunk.subarray(0, Math.min(chunk.length, total - sent));
          sent += piece.length;
          if (!res.write(piece)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
      return true;
    }
    if (rule.status !== undefined) {
      const body =
        rule.body === undefined
          ? JSON.stringify({ error: `injected HTTP ${rule.status}` })
          : Buffer.isBuffer(rule.body) || typeof rule.body === 'string'
            ? rule.body
            : JSON.stringify(rule.body);
      const buf = typeof body === 'string' ? Buffer.from(body) : body;
      res.writeHead(rule.status, { 'content-type': 'application/json', 'content-length': String(buf.length), ...rule.headers });
      res.end(req.method === 'HEAD' ? undefined : buf);
      return true;
    }
    return false; // only a delay: continue normally
  };

  const cachedJson = (key: string, make: () => unknown): string => {
    let s = rendered.get(key);
    if (s === undefined) {
      s = JSON.stringify(make());
      rendered.set(key, s);
    }
    return s;
  };

  const handleRegistry = (req: http.IncomingMessage, res: http.ServerResponse, reg: ServedRegistry, rest: string): void => {
    const regBase = `${base}/${reg.prefix}`;
    if (rest === '') return sendJson(req, res, 200, { db_name: 'registry', fixture: true });
    if (rest === '-/npm/v1/keys') {
      if (reg.strip || reg.keys === null || reg.keys === undefined) return notFound(req, res);
      return sendJson(req, res, 200, reg.keys);
    }
    if (rest.startsWith('-/npm/v1/attestations/')) {
      const spec = decodePath(rest.slice('-/npm/v1/attestations/'.length));
      const at = spec.lastIndexOf('@');
      if (at <= 0) return notFound(req, res);
      const name = spec.slice(0, at);
      const version = spec.slice(at + 1);
      const v = reg.packages.get(name)?.versions.get(version);
      if (!v || reg.strip) return notFound(req, res);
      switch (v.attestations.kind) {
        case 'json':
          return sendJson(
            req,
            res,
            200,
            cachedJson(`${reg.prefix}\0att\0${name}@${version}`, () => (v.attestations as { body: unknown }).body),
          );
        case 'none':
          return notFound(req, res);
        case 'unrecorded':
          return sendJson(req, res, 501, { error: `the fixture registry has no recorded attestations for ${name}@${version}` });
        case 'status':
          return sendJson(req, res, v.attestations.status, { error: `attestations of ${name}@${version}: HTTP ${v.attestations.status}` });
      }
    }
    if (rest.startsWith('-/')) return notFound(req, res);
    const segments = decodePath(rest).split('/');
    if (segments[segments.length - 1] === '') segments.pop();
    let name: string;
    let remaining: string[];
    if (segments[0]?.startsWith('@')) {
      if (segments.length < 2) return notFound(req, res);
      name = `${segments[0]}/${segments[1]}`;
      remaining = segments.slice(2);
    } else {
      name = segments[0] ?? '';
      remaining = segments.slice(1);
    }
    const pkg = reg.packages.get(name);
    if (!pkg) return notFound(req, res);
    if (remaining.length === 0) {
      const accept = String(req.headers.accept ?? '');
      const abbreviated = accept.includes(CORGI_TYPE);
      const body = cachedJson(`${reg.prefix}\0pack\0${abbreviated}\0${name}`, () => renderPackument(pkg, regBase, reg.strip, abbreviated));
      return sendJson(req, res, 200, body, abbreviated ? CORGI_TYPE : 'application/json', true);
    }
    if (remaining.length === 1) {
      const wanted = remaining[0]!;
      const version = pkg.versions.has(wanted) ? wanted : distTagsOf(pkg)[wanted];
      const v = version === undefined ? undefined : pkg.versions.get(version);
      if (!v) return notFound(req, res, `version not found: ${wanted}`);
      return sendJson(
        req,
        res,
        200,
        cachedJson(`${reg.prefix}\0ver\0${name}@${version}`, () => renderVersion(v, regBase, reg.strip)),
      );
    }
    if (remaining.length === 2 && remaining[0] === '-') {
      for (const [version, v] of pkg.versions) {
        if (remaining[1] !== `${unscoped(name)}-${version}.tgz`) continue;
        if (!v.tarball) return sendJson(req, res, 501, { error: `the fixture registry has no recorded tarball for ${name}@${version}` });
        return send(req, res, 200, v.tarball, { 'content-type': 'application/octet-stream' });
      }
      return notFound(req, res);
    }
    return notFound(req, res);
  };

  const server = http.createServer((req, res) => {
    const entry: FixtureRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers } };
    requests.push(entry);
    if (requests.length > MAX_LOGGED_REQUESTS) requests.splice(0, requests.length - MAX_LOGGED_REQUESTS);
    stats.active++;
    stats.maxActive = Math.max(stats.maxActive, stats.active);
    let counted = true;
    const done = (): void => {
      if (!counted) return;
      counted = false;
      stats.active--;
      if (res.headersSent) entry.status = res.statusCode;
    };
    res.on('finish', done);
    res.on('close', done);
    req.resume();
    void (async () => {
      try {
        if (options.latencyMs) await delay(options.latencyMs);
        if (closed || res.destroyed) return;
        const method = (req.method ?? 'GET').toUpperCase();
        const pathname = (req.url ?? '/').split('?')[0]!;
        const rule = matchFault(method, pathname);
        if (rule && (await applyFault(rule, req, res))) return;
        if (closed || res.destroyed) return;
        if (method !== 'GET' && method !== 'HEAD') return sendJson(req, res, 405, { error: 'method not allowed' });
        const reg = registries.find((r) => pathname.startsWith(`/${r.prefix}`))!;
        handleRegistry(req, res, reg, pathname.slice(1 + reg.prefix.length));
      } catch (err) {
        if (!res.headersSent && !res.destroyed) sendJson(req, res, 500, { error: `fixture registry error: ${(err as Error).message}` });
      }
    })();
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    port,
    requests,
    realworld,
    caseIds,
    caseUrl: (caseId: string) => `${base}/case/${caseId}/`,
    fault: addFault,
    clearFaults: () => {
      faults.length = 0;
    },
    stats,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
