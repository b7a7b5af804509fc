/**
 * Classifying a dependency spec as written in a package.json ("^1.2.0", "npm:foo@1", "github:o/r",
 * "workspace:*", "catalog:", ...). npm-package-arg does the work for everything npm understands; the
 * protocols npm does not know (workspace:, link:, portal:, catalog:, patch:, jsr:) are handled first,
 * because npm-package-arg throws on them.
 */
import npa from 'npm-package-arg';
import * as semver from '../util/semver';
import type { ManifestDependency, SpecKind } from '../types';
import { packageNameProblem } from '../util/packageName';

export type SpecClassification = Pick<ManifestDependency, 'kind' | 'registryName' | 'registrySpec' | 'error'>;

/** Kinds whose package comes from a registry (and so can carry npm provenance). */
export const REGISTRY_KINDS: ReadonlySet<SpecKind> = new Set<SpecKind>(['version', 'range', 'tag', 'alias', 'catalog']);

/** Folder npm-package-arg resolves relative file specs against; we never use the resolved path. */
const WHERE = '/';

const PROTOCOL = /^([a-z][a-z0-9+.-]*):/i;

/**
 * Classify `spec` (the value of dependency `name`). Never throws: anything npm, pnpm, yarn or bun
 * would reject comes back as kind 'invalid' with an `error` sentence.
 */
export function classifySpec(name: string, spec: string): SpecClassification {
  try {
    if (typeof name !== 'string' || name.trim() === '') return invalid('The dependency name is empty.');
    if (typeof spec !== 'string') return invalid(`The spec for ${name} is not a string.`);
    return classify(name, spec, 0);
  } catch (err) {
    return invalid(describeNpaError(err, name, spec));
  }
}

function invalid(error: string): SpecClassification {
  return { kind: 'invalid', error };
}

function classify(name: string, rawSpec: string, depth: number): SpecClassification {
  const spec = rawSpec.trim();
  const protocol = PROTOCOL.exec(spec)?.[1]?.toLowerCase();
  const rest = protocol ? spec.slice(protocol.length + 1) : '';
  switch (protocol) {
    case 'workspace':
      // pnpm/yarn/bun: workspace:*, workspace:^, workspace:~, workspace:^1.2.0, workspace:packages/foo, workspace:foo@*
      return { kind: 'workspace' };
    case 'link':
    case 'portal':
      if (rest.trim() === '') return invalid(`"${spec}" names no folder to link to.`);
      return { kind: 'link' };
    case 'catalog':
      // pnpm (and bun) catalogs: the range is defined in pnpm-workspace.yaml; only the lockfile says which version it is.
      if (/\s/.test(rest)) return invalid(`"${spec}" is not a valid catalog reference (catalog names have no spaces).`);
      return { kind: 'catalog', registryName: name };
    case 'jsr':
      return invalid(
        `"${spec}" installs from the JSR registry (jsr.io), which npm does not understand and which does not serve npm provenance.`,
      );
    case 'patch':
      return classifyPatch(name, spec, rest, depth);
    case 'exec':
      // yarn berry: the package is generated locally by a script.
      return { kind: 'file' };
    case 'npm':
      return classifyNpmProtocol(name, spec, rest, depth);
    default:
      return plainSemver(name, spec) ?? fromNpa(name, spec);
  }
}

// A plain version or caret/tilde range ("1.2.3", "^1.2.3", "~1.2.3-beta.1"): the bulk of every package.json.
const PLAIN_SEMVER = /^[\^~]?\d{1,9}\.\d{1,9}\.\d{1,9}(?:-[0-9A-Za-z.-]+)?$/;

/**
 * What npm-package-arg answers for a plain version or caret/tilde range of a valid package name, without
 * its walk through file, alias, hosted-git and URL forms (none of which such a spec can be): tens of
 * microseconds a dependency, a hundred milliseconds for a large package.json. Anything else (and any
 * name npm would refuse) goes to npm-package-arg. A test holds this to npa's answers.
 */
export function plainSemver(name: string, spec: string): SpecClassification | undefined {
  if (!PLAIN_SEMVER.test(spec) || packageNameProblem(name) !== undefined) return undefined;
  if (semver.valid(spec, true) !== null) return { kind: 'version', registryName: name, registrySpec: spec };
  if (semver.validRange(spec, true) !== null) return { kind: 'range', registryName: name, registrySpec: spec };
  return undefined;
}

/** `npm:<name>@<spec>`: an alias. Classified by the target when the target is not a registry spec. */
function classifyNpmProtocol(name: string, spec: string, rest: string, depth: number): SpecClassification {
  const at = rest.indexOf('@', 1);
  if (at > 0 && depth < 3) {
    const targetName = rest.slice(0, at);
    const targetSpec = rest.slice(at + 1);
    const targetProtocol = PROTOCOL.exec(targetSpec.trim())?.[1]?.toLowerCase();
    if (targetProtocol && targetProtocol !== 'npm') {
      // e.g. npm:foo@github:o/r — npm-package-arg refuses ("aliases only work for registry deps"); say what it really is.
      const target = classify(targetName, targetSpec, depth + 1);
      if (target.kind === 'invalid') return target;
      if (!REGISTRY_KINDS.has(target.kind)) return { kind: target.kind };
    }
    if (!targetProtocol) {
      try {
        const target = npa.resolve(targetName, targetSpec, WHERE);
        if (!target.registry) return fromNpa(targetName, targetSpec);
      } catch {
        // fall through: npa on the whole alias gives the clearer message
      }
    }
  }
  try {
    return fromNpa(name, spec);
  } catch (err) {
    // yarn berry reads "npm:^1.2.0" as a range of the same package; npm and pnpm would read "^1.2.0" as a package name and fail.
    const range = rest.trim();
    if (range && semver.validRange(range, { loose: true }) !== null) {
      return { kind: semver.valid(range, { loose: true }) ? 'version' : 'range', registryName: name, registrySpec: range };
    }
    throw err;
  }
}

/**
 * yarn berry `patch:<descriptor>#<patch file>`: the package is the descriptor's (usually a registry version) with a local
 * patch applied on install. Classified by the descriptor: what can be verified is the original the patch is applied to.
 */
function classifyPatch(name: string, spec: string, rest: string, depth: number): SpecClassification {
  const hash = rest.indexOf('#');
  let descriptor = hash >= 0 ? rest.slice(0, hash) : rest;
  try {
    descriptor = decodeURIComponent(descriptor);
  } catch {
    return invalid(`"${spec}" is not a valid patch: spec (bad URI escape).`);
  }
  const at = descriptor.indexOf('@', 1);
  if (at <= 0 || depth >= 3) return invalid(`"${spec}" is not a valid patch: spec (expected patch:<name>@<range>#<patch file>).`);
  const innerName = descriptor.slice(0, at);
  const innerSpec = descriptor.slice(at + 1);
  // Inside patch: the descriptor is yarn's own: "npm:4.17.21" is a version of the same package, not a package named "4.17.21".
  const yarnRange = innerSpec.startsWith('npm:') ? innerSpec.slice(4).trim() : undefined;
  const inner =
    yarnRange !== undefined && semver.validRange(yarnRange, { loose: true }) !== null
      ? {
          kind: semver.valid(yarnRange, { loose: true }) ? ('version' as const) : ('range' as const),
          registryName: innerName,
          registrySpec: yarnRange,
        }
      : classify(innerName, innerSpec, depth + 1);
  if (inner.kind === 'invalid') return inner;
  if (!REGISTRY_KINDS.has(inner.kind)) return { kind: inner.kind };
  if (inner.kind === 'alias' || innerName !== name)
    return { kind: 'alias', registryName: inner.registryName ?? innerName, registrySpec: inner.registrySpec };
  return inner;
}

/** npm-package-arg's classification alone (exported for the test that holds plainSemver to it). */
export function fromNpa(name: string, spec: string): SpecClassification {
  const r = npa.resolve(name, spec, WHERE);
  switch (r.type) {
    case 'version':
    case 'range':
    case 'tag':
      return { kind: r.type, registryName: r.name ?? name, registrySpec: registrySpecOf(r) };
    case 'alias': {
      const sub = (r as npa.AliasResult).subSpec;
      if (!sub.registry || !sub.name) return { kind: kindOfNonRegistry(sub.type) };
      return { kind: 'alias', registryName: sub.name, registrySpec: registrySpecOf(sub) };
    }
    case 'git':
    case 'file':
    case 'directory':
    case 'remote':
      return { kind: r.type };
    default:
      return invalid(`"${spec}" is not a spec npm understands.`);
  }
}

function registrySpecOf(r: npa.Result): string {
  const s = (r.fetchSpec ?? r.rawSpec ?? '').trim();
  if (r.type === 'range' && s === '') return '*';
  if (r.type === 'tag' && s === '') return 'latest';
  return s;
}

function kindOfNonRegistry(type: npa.Result['type']): SpecKind {
  switch (type) {
    case 'git':
    case 'file':
    case 'directory':
    case 'remote':
      return type;
    default:
      return 'invalid';
  }
}

function describeNpaError(err: unknown, name: string, spec: string): string {
  const e = err as { code?: string; message?: string };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  switch (e?.code) {
    case 'EUNSUPPORTEDPROTOCOL': {
      const proto = PROTOCOL.exec(spec.trim())?.[1];
      return `"${spec}" uses the ${proto ? `${proto}: ` : ''}protocol, which npm does not support.`;
    }
    case 'EINVALIDTAGNAME':
      return `"${spec}" is neither a version, a range, a dist-tag nor a URL (${message}).`;
    case 'EINVALIDPACKAGENAME':
      return `"${name}" is not a valid package name (${message}).`;
    default:
      return `"${spec}" is not a valid spec for ${name}: ${message}`;
  }
}
