/**
 * yarn.lock from yarn berry (2+), a YAML subset parsed with @yarnpkg/parsers `parseSyml`. Entries are keyed by
 * descriptors ("a@npm:^1.0.0, a@npm:^1.1.0") and carry a `resolution` locator ("a@npm:1.2.0",
 * "ws@workspace:packages/ws", "b@https://github.com/o/r.git#commit=...", "c@patch:c@npm%3A1.0.0#./fix.patch::...").
 *
 * Integrity: berry's `checksum` is a hash of yarn's own cache archive (a zip, optionally prefixed by the cache key,
 * e.g. "10c0/4f3a..."), not of the npm tarball, so it is never recorded as integrity: it cannot be compared with the
 * registry's dist.integrity, and passing it on would make a false mismatch (or, worse, look like a check that was
 * done). Berry entries have no integrity; what they install is judged by the registry's own integrity only.
 *
 * Where it fetches from: a resolution `name@npm:x.y.z` is fetched from the configured registry (npmRegistryServer /
 * scopes), so it has no `resolved`, unless the locator carries `__archiveUrl` (then that URL, decoded). A resolution
 * that is an http(s) URL for an entry whose descriptors all ask for registry ranges (e.g. through `resolutions`) is
 * recorded as a registry package fetched from that URL, for the engine to judge. `location` is the entry's key as
 * written ("a@npm:^1.0.0, a@npm:^1.1.0").
 *
 * `patch:` locators are recorded as the package they patch (for registry packages: the registry version, which is what
 * can be verified; the patch itself is local).
 */
import { parseSyml } from '@yarnpkg/parsers';
import semver from 'semver';
import type { LockedPackage, NotApplicableCode } from '../../types';
import { classifySpec } from '../spec';
import { REGISTRY_KINDS } from '../spec';
import {
  LockfileError,
  PackageCollector,
  clean,
  isHttpUrl,
  makeLockfile,
  nonRegistrySource,
  splitIdent,
  str,
  type ParsedLockfile,
} from './common';
import { createDescriptorIndex } from './yarn-shared';
import { isRecord } from '../../util/guards';

export function parseYarnBerryLockfile(text: string, filePath: string): ParsedLockfile {
  const doc = parseBerryDocument(text, filePath);
  const metadata = isRecord(doc.__metadata) ? doc.__metadata : undefined;
  const notes: string[] = [];
  const collector = new PackageCollector();
  const index = createDescriptorIndex();
  // yarn reads the keys of lockfiles up to version 6 as if they had the npm: protocol (Project.setupResolutions).
  const legacyKeys = !(Number(metadata?.version) > 6);

  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    if (!isRecord(value)) {
      notes.push(`Entry "${key}" is not an object; skipped.`);
      continue;
    }
    const resolution = str(value.resolution);
    const version = str(value.version);
    const locator = resolution ? splitIdent(resolution) : undefined;
    if (!locator || !version) {
      notes.push(`Entry "${key}" has no usable resolution/version; skipped.`);
      continue;
    }
    const descriptors = key
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    let locked = fromLocator(locator.name, locator.ref, version);
    if (!locked) continue; // the project's root workspace
    const validVersion = semver.valid(version, { loose: true });
    if (
      locked.nonRegistry &&
      validVersion &&
      isHttpUrl(locator.ref) &&
      descriptors.length > 0 &&
      descriptors.every((d) => asksRegistry(d))
    ) {
      locked = { name: locator.name, version: validVersion, resolved: locator.ref };
    }
    locked.location = key;
    collector.add(locked);
    const kept = clean(locked);
    for (const descriptor of descriptors) {
      const ident = splitIdent(descriptor);
      if (!ident) continue;
      const { range, binding } = splitBinding(ident.ref);
      index.add(ident.name, legacyKeys ? withNpmProtocol(ident.name, range) : range, kept, binding);
    }
  }

  return makeLockfile({
    kind: 'yarn-berry',
    path: filePath,
    lockfileVersion: metadata ? str(metadata.version) : undefined,
    packages: collector.list(),
    notes,
    resolveDirect: directResolver(index),
  });
}

function parseBerryDocument(text: string, filePath: string): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = parseSyml(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const conflict = /^(<{7}|={7}|>{7})/m.test(text) ? ' (it has unresolved git merge conflict markers)' : '';
    throw new LockfileError(filePath, `could not be parsed as a yarn berry lockfile${conflict}: ${firstLine((err as Error).message)}`);
  }
  if (!isRecord(doc)) throw new LockfileError(filePath, 'has no entries.');
  return doc;
}

/** Direct dependencies: found by descriptor; a binding (file:/link:/portal:/patch:) must belong to the importer's workspace. */
function directResolver(
  index: ReturnType<typeof createDescriptorIndex>,
): (name: string, spec: string, importerPath: string) => LockedPackage | undefined {
  return function resolveDirect(name: string, spec: string, importerPath: string): LockedPackage | undefined {
    const s = spec.trim();
    // yarn looks a manifest's range up as its npm: descriptor; a bare key is a fallback only.
    const npm = withNpmProtocol(name, s);
    const specs: string[] = npm === s ? [s] : [npm, s];
    if (!/^[a-z][a-z0-9+.-]*:/i.test(s) && classifySpec(name, s).kind === 'git') specs.push(`github:${s}`);
    const workspace = importerPath === '' ? '.' : importerPath;
    return index.find(name, specs, (binding) => {
      const locator = /(?:^|&)locator=([^&]+)/.exec(binding)?.[1];
      if (!locator) return false;
      let decoded: string;
      try {
        decoded = decodeURIComponent(locator);
      } catch {
        return false;
      }
      return decoded.endsWith(`@workspace:${workspace}`);
    });
  };
}

/** A registry range, version or tag written without a protocol, as yarn normalises it: `^1.0.0` → `npm:^1.0.0`. */
function withNpmProtocol(name: string, range: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(range)) return range;
  const kind = classifySpec(name, range).kind;
  return kind === 'version' || kind === 'range' || kind === 'tag' ? `npm:${range === '' ? '*' : range}` : range;
}

/** Whether a berry descriptor (`a@npm:^1.0.0`, `a@^1.0.0`, `a@npm:b@^1`) asks for a registry package. */
function asksRegistry(descriptor: string): boolean {
  const ident = splitIdent(descriptor);
  if (!ident) return false;
  return REGISTRY_KINDS.has(classifySpec(ident.name, splitBinding(ident.ref).range).kind);
}

/** `range::locator=...` → range and binding (berry appends bindings to file:/link:/portal:/patch: references). */
function splitBinding(ref: string): { range: string; binding?: string } {
  const i = ref.indexOf('::');
  return i >= 0 ? { range: ref.slice(0, i), binding: ref.slice(i + 2) } : { range: ref };
}

function fromLocator(name: string, rawRef: string, version: string, depth = 0): LockedPackage | undefined {
  const { range: ref, binding } = splitBinding(rawRef);
  const protocol = /^([a-z][a-z0-9+.-]*):/i.exec(ref)?.[1]?.toLowerCase();
  switch (protocol) {
    case 'npm': {
      const v = semver.valid(ref.slice(4), { loose: true }) ?? semver.valid(version, { loose: true });
      const archive = binding ? /(?:^|&)__archiveUrl=([^&]+)/.exec(binding)?.[1] : undefined;
      let resolved: string | undefined;
      if (archive) {
        try {
          resolved = decodeURIComponent(archive);
        } catch {
          resolved = undefined;
        }
      }
      if (v) return { name, version: v, resolved };
      return { name, version, nonRegistry: { kind: 'remote-tarball', detail: ref } };
    }
    case 'workspace': {
      const dir = ref.slice('workspace:'.length);
      if (dir === '.' || dir === '') return undefined;
      return { name, version, nonRegistry: { kind: 'workspace', detail: dir } };
    }
    case 'patch': {
      const hash = ref.indexOf('#');
      let inner: string;
      try {
        inner = decodeURIComponent(ref.slice('patch:'.length, hash >= 0 ? hash : undefined));
      } catch {
        return { name, version, nonRegistry: { kind: 'file', detail: ref } };
      }
      const innerIdent = splitIdent(inner);
      if (!innerIdent || depth > 3) return { name, version, nonRegistry: { kind: 'file', detail: ref } };
      return fromLocator(innerIdent.name, innerIdent.ref, version, depth + 1);
    }
    case 'portal':
    case 'link':
      return { name, version, nonRegistry: { kind: 'link', detail: ref.slice(ref.indexOf(':') + 1) } };
    case 'exec':
      return { name, version, nonRegistry: { kind: 'file', detail: ref } };
    default: {
      const source = nonRegistrySource(ref, name, version);
      const kind: NotApplicableCode = source?.kind ?? 'remote-tarball';
      return { name, version, resolved: /^https?:|^git/.test(ref) ? ref : undefined, nonRegistry: { kind, detail: source?.detail ?? ref } };
    }
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
