/**
 * What the installer would install for a direct dependency when no lockfile says it: npm `overrides`, yarn
 * `resolutions`, `pnpm.overrides` (and `overrides` in pnpm-workspace.yaml) can replace the version, or the package,
 * written in the dependency section. The rules follow each installer's own code:
 *
 * npm (arborist: override-set.js, edge.js, node.js `assertRootOverrides`)
 *   - Rules are the top-level keys of the project root's `overrides`: `name` or `name@keySpec`, a string value or an
 *     object whose "." is the value (an object without "." overrides nothing for the package itself; "" means "*").
 *   - A rule applies to an edge when its keySpec is "*", or intersects the edge's range (an alias: its target's range;
 *     git: its semver range), or the edge's spec is a tag, file or directory.
 *   - `$name` takes the spec of the root's own dependency `name` (devDependencies, optionalDependencies,
 *     dependencies, peerDependencies, in that order); a reference to nothing is an error.
 *   - For the project root's own dependencies an override that changes the spec is refused (EOVERRIDE: npm does not
 *     install at all), so nothing is verified. For a workspace member's dependencies the override applies.
 * yarn (classic: resolution-map.js, install.js; berry: the `resolutions` field)
 *   - Keys `name` and `**\/name` apply; berry also matches `name@range` keys whose range is the dependency's.
 *   - yarn classic applies resolutions to dependencies of dependencies and of workspace members, never to the project
 *     root's own dependencies; berry applies them everywhere. An unknown yarn major makes a root dependency ambiguous.
 * pnpm (the versions overrider)
 *   - `resolutions` and `pnpm.overrides` of the root package.json, then pnpm-workspace.yaml `overrides` (which win).
 *   - Keys `name` or `name@selector`; a selector applies when the dependency's range is a subset of it. Applied in
 *     order, each to the spec the previous one left. `-` removes the dependency; `$name` takes the root's own spec.
 *   - pnpm applies overrides to every project's own dependencies, the root included.
 * bun reads `overrides` and `resolutions` too, but how it applies them to a project's own dependencies is not modelled
 *   here: such a dependency is reported as undecidable rather than guessed.
 *
 * Not implemented (a nested or parent-scoped rule never applies to a direct dependency, which is all that is resolved
 * without a lockfile): npm nested override objects (`{ "parent": { "child": … } }`) below the top level, yarn keys with
 * a parent path (`parent/name`, `**\/parent/name`), pnpm `parent>name` keys. With no lockfile and no `packageManager`,
 * the installer is guessed from pnpm-workspace.yaml / .yarnrc.yml and from the fields present; when the candidates
 * disagree about a dependency it is reported as undecidable.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import npa from 'npm-package-arg';
import semver from 'semver';
import YAML from 'yaml';
import type { LockfileKind, ManifestDependency } from '../types';
import { matchesWorkspaceGlobs } from './lockfiles/common';
import { parseManifest, type InstallerFields, type ParsedManifest } from './manifest';
import { isRecord } from '../util/guards';
import { pathExists } from '../fs/exists';

export type Installer = 'npm' | 'pnpm' | 'yarn-classic' | 'yarn-berry' | 'bun';

export interface OverrideContext {
  /** The installer, when known (lockfile kind, packageManager, pnpm-workspace.yaml, .yarnrc.yml). */
  installer?: Installer;
  /** The project root's installer fields (the manifest's own when it is the root). */
  root: InstallerFields;
  /** The project root's own dependency specs, by section (for `$name` references). */
  rootSpecs: Partial<Record<ManifestDependency['section'], Record<string, string>>>;
  /** Whether the manifest being resolved is the project root (not a workspace member). */
  isRoot: boolean;
  /** `overrides` of a pnpm-workspace.yaml beside the root. */
  pnpmWorkspaceOverrides?: unknown;
  /** Where the root is, for messages. */
  rootLabel: string;
}

export type OverrideOutcome =
  | { kind: 'none' }
  | { kind: 'applied'; spec: string; why: string }
  | { kind: 'removed'; why: string }
  /** The installer refuses, or the outcome cannot be told: nothing is verified. */
  | { kind: 'undecidable'; why: string };

/**
 * The override context of a manifest: its own fields when it is a project root, otherwise those of the workspace root
 * above it that lists it. `manifestPath` is needed to find the root and pnpm-workspace.yaml; without it the manifest is
 * taken as the root. Never throws.
 */
export async function overrideContext(
  manifest: ParsedManifest,
  manifestPath: string | undefined,
  lockfileKind?: LockfileKind,
): Promise<OverrideContext> {
  let root: { manifest: ParsedManifest; dir?: string; isRoot: boolean } = {
    manifest,
    dir: manifestPath ? path.dirname(manifestPath) : undefined,
    isRoot: true,
  };
  if (manifestPath && !manifest.workspaces) {
    const above = await workspaceRootAbove(path.dirname(manifestPath)).catch(() => undefined);
    if (above) root = { ...above, isRoot: false };
  }
  const fields = root.manifest.installer ?? {};
  let pnpmWorkspaceOverrides: unknown;
  let hasPnpmWorkspace = false;
  let hasYarnrcYml = false;
  if (root.dir) {
    const ws = await readPnpmWorkspace(root.dir);
    hasPnpmWorkspace = ws !== undefined;
    pnpmWorkspaceOverrides = ws?.overrides;
    hasYarnrcYml = await pathExists(path.join(root.dir, '.yarnrc.yml'));
  }
  const rootSpecs: OverrideContext['rootSpecs'] = {};
  for (const d of root.manifest.dependencies) (rootSpecs[d.section] ??= {})[d.name] = d.spec;
  return {
    installer: installerOf(lockfileKind, fields.packageManager ?? manifest.installer?.packageManager, hasPnpmWorkspace, hasYarnrcYml),
    root: fields,
    rootSpecs,
    isRoot: root.isRoot,
    pnpmWorkspaceOverrides,
    rootLabel: root.isRoot ? 'package.json' : `the workspace root's package.json${root.dir ? ` (${root.dir})` : ''}`,
  };
}

function installerOf(
  kind: LockfileKind | undefined,
  packageManager: string | undefined,
  pnpmWorkspace: boolean,
  yarnrcYml: boolean,
): Installer | undefined {
  switch (kind) {
    case 'package-lock':
    case 'npm-shrinkwrap':
      return 'npm';
    case 'pnpm':
      return 'pnpm';
    case 'yarn-classic':
    case 'yarn-berry':
    case 'bun':
      return kind;
    default:
      break;
  }
  const m = /^(npm|pnpm|yarn|bun)@(\d+)/.exec(packageManager?.trim() ?? '');
  if (m) return m[1] === 'yarn' ? (m[2] === '1' ? 'yarn-classic' : 'yarn-berry') : (m[1] as Installer);
  if (pnpmWorkspace) return 'pnpm';
  if (yarnrcYml) return 'yarn-berry';
  return undefined;
}

/** What the installer(s) would do with `dep`'s spec. Never throws. */
export function overrideFor(dep: ManifestDependency, ctx: OverrideContext): OverrideOutcome {
  try {
    const candidates: Installer[] = ctx.installer ? [ctx.installer] : guessInstallers(ctx);
    if (candidates.length === 0) return { kind: 'none' };
    const outcomes = candidates.map((installer) => ({ installer, outcome: outcomeFor(installer, dep, ctx) }));
    const first = outcomes[0].outcome;
    const same = outcomes.every(({ outcome }) => sameOutcome(outcome, first));
    if (same) return first;
    const parts = outcomes.map(({ installer, outcome }) => `${installer}: ${describe(outcome, dep)}`);
    return {
      kind: 'undecidable',
      why: `what is installed for ${dep.name} depends on the package manager, which neither a lockfile nor "packageManager" names (${parts.join('; ')}).`,
    };
  } catch (err) {
    return { kind: 'undecidable', why: `the overrides for ${dep.name} could not be read: ${(err as Error)?.message ?? String(err)}` };
  }
}

function guessInstallers(ctx: OverrideContext): Installer[] {
  const out = new Set<Installer>();
  if (ctx.root.overrides !== undefined) out.add('npm');
  if (ctx.root.pnpmOverrides !== undefined || ctx.pnpmWorkspaceOverrides !== undefined) out.add('pnpm');
  if (ctx.root.resolutions !== undefined) {
    out.add('yarn-classic');
    out.add('yarn-berry');
    out.add('pnpm');
  }
  return [...out];
}

function sameOutcome(a: OverrideOutcome, b: OverrideOutcome): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'applied' && b.kind === 'applied') return a.spec === b.spec;
  return true;
}

function describe(o: OverrideOutcome, dep: ManifestDependency): string {
  switch (o.kind) {
    case 'none':
      return `"${dep.spec}" as written`;
    case 'applied':
      return `"${o.spec}"`;
    case 'removed':
      return 'not installed';
    default:
      return 'refused';
  }
}

function outcomeFor(installer: Installer, dep: ManifestDependency, ctx: OverrideContext): OverrideOutcome {
  switch (installer) {
    case 'npm':
      return npmOutcome(dep, ctx);
    case 'pnpm':
      return pnpmOutcome(dep, ctx);
    case 'yarn-classic':
    case 'yarn-berry':
      return yarnOutcome(installer, dep, ctx);
    case 'bun': {
      const named = [ctx.root.overrides, ctx.root.resolutions].some(
        (o) => isRecord(o) && Object.keys(o).some((k) => k === dep.name || k.endsWith(`/${dep.name}`)),
      );
      return named
        ? {
            kind: 'undecidable',
            why: `${ctx.rootLabel} overrides ${dep.name} for bun, whose rules for a project's own dependencies this tool does not model.`,
          }
        : { kind: 'none' };
    }
    default:
      return { kind: 'none' };
  }
}

/** The root's own spec for `$name` references (npm's order). */
function reference(ref: string, ctx: OverrideContext, order: ManifestDependency['section'][]): string | undefined {
  for (const section of order) {
    const spec = ctx.rootSpecs[section]?.[ref];
    if (spec !== undefined) return spec;
  }
  return undefined;
}

function npmOutcome(dep: ManifestDependency, ctx: OverrideContext): OverrideOutcome {
  const overrides = ctx.root.overrides;
  if (!isRecord(overrides)) return { kind: 'none' };
  for (const [key, raw] of Object.entries(overrides)) {
    let parsed: npa.Result;
    try {
      parsed = npa(key);
    } catch {
      continue;
    }
    if (parsed.name !== dep.name) continue;
    const keySpec = (parsed.rawSpec ?? '').trim() === '' ? '*' : (parsed.rawSpec as string).trim();
    if (!npmRuleApplies(dep, keySpec)) continue;
    let value: string | undefined;
    if (typeof raw === 'string') value = raw === '' ? '*' : raw;
    else if (isRecord(raw)) value = typeof raw['.'] === 'string' ? (raw['.'] === '' ? '*' : raw['.']) : keySpec;
    if (value === undefined || value === '*') return { kind: 'none' };
    let spec = value;
    if (value.startsWith('$')) {
      const ref = reference(value.slice(1), ctx, ['devDependencies', 'optionalDependencies', 'dependencies', 'peerDependencies']);
      if (ref === undefined)
        return {
          kind: 'undecidable',
          why: `npm cannot resolve the override reference "${value}" for ${dep.name} in ${ctx.rootLabel} (no such dependency), so it does not install.`,
        };
      spec = ref;
    }
    if (spec === dep.spec) return { kind: 'none' };
    if (ctx.isRoot) {
      return {
        kind: 'undecidable',
        why: `npm refuses to install this package.json: the override "${key}": "${value}" conflicts with the direct dependency ${dep.name}@"${dep.spec}" (EOVERRIDE). Nothing is verified until they agree (an override of "$${dep.name}" follows the dependency).`,
      };
    }
    return { kind: 'applied', spec, why: `npm "overrides" in ${ctx.rootLabel} ("${key}": "${value}")` };
  }
  return { kind: 'none' };
}

/** arborist OverrideSet.getEdgeRule for one rule. */
function npmRuleApplies(dep: ManifestDependency, keySpec: string): boolean {
  if (keySpec === '*') return true;
  let spec: npa.Result;
  try {
    spec = npa(`${dep.name}@${dep.spec}`);
  } catch {
    return false;
  }
  if (spec.type === 'alias') spec = (spec as npa.AliasResult).subSpec;
  if (spec.type === 'git') {
    const range = (spec as { gitRange?: string }).gitRange;
    return range !== undefined && safeIntersects(range, keySpec);
  }
  if (spec.type === 'range' || spec.type === 'version') return safeIntersects(spec.fetchSpec ?? '', keySpec);
  return true;
}

function safeIntersects(a: string, b: string): boolean {
  try {
    return semver.intersects(a, b);
  } catch {
    return false;
  }
}

function pnpmOutcome(dep: ManifestDependency, ctx: OverrideContext): OverrideOutcome {
  const merged: [string, unknown, string][] = [];
  const add = (o: unknown, where: string) => {
    if (!isRecord(o)) return;
    for (const [k, v] of Object.entries(o)) {
      const i = merged.findIndex((m) => m[0] === k);
      if (i >= 0) merged.splice(i, 1);
      merged.push([k, v, where]);
    }
  };
  add(ctx.root.resolutions, `"resolutions" in ${ctx.rootLabel}`);
  add(ctx.root.pnpmOverrides, `"pnpm.overrides" in ${ctx.rootLabel}`);
  add(ctx.pnpmWorkspaceOverrides, '"overrides" in pnpm-workspace.yaml');
  let current = dep.spec;
  let applied: { why: string } | undefined;
  for (const [key, value, where] of merged) {
    if (typeof value !== 'string' || key.includes('>')) continue;
    const at = key.indexOf('@', key.startsWith('@') ? 1 : 0);
    const name = at > 0 ? key.slice(0, at) : key;
    const selector = at > 0 ? key.slice(at + 1) : undefined;
    if (name !== dep.name) continue;
    if (!isSubRange(selector, current)) continue;
    if (value === '-') return { kind: 'removed', why: `${where} removes ${dep.name} ("${key}": "-")` };
    let next = value;
    if (value.startsWith('$')) {
      const ref = reference(value.slice(1), ctx, ['dependencies', 'devDependencies', 'optionalDependencies']);
      if (ref === undefined)
        return { kind: 'undecidable', why: `pnpm cannot resolve the override reference "${value}" for ${dep.name} (${where}).` };
      next = ref;
    }
    if (next !== current) applied = { why: `${where} ("${key}": "${value}")` };
    current = next;
  }
  return applied && current !== dep.spec ? { kind: 'applied', spec: current, why: applied.why } : { kind: 'none' };
}

/** pnpm's isSubRange(superRange = selector, subRange = the dependency's spec). */
function isSubRange(superRange: string | undefined, subRange: string): boolean {
  if (!superRange || subRange === superRange) return true;
  try {
    return semver.validRange(subRange) != null && semver.validRange(superRange) != null && semver.subset(subRange, superRange);
  } catch {
    return false;
  }
}

function yarnOutcome(flavour: 'yarn-classic' | 'yarn-berry', dep: ManifestDependency, ctx: OverrideContext): OverrideOutcome {
  const resolutions = ctx.root.resolutions;
  if (!isRecord(resolutions)) return { kind: 'none' };
  for (const [key, value] of Object.entries(resolutions)) {
    if (typeof value !== 'string') continue;
    const segments = splitPackagePath(key);
    const last = segments.pop();
    if (!last || !segments.every((s) => s === '**')) continue; // parent-scoped: never a direct dependency
    const at = last.indexOf('@', last.startsWith('@') ? 1 : 0);
    const name = at > 0 ? last.slice(0, at) : last;
    const range = at > 0 ? last.slice(at + 1) : undefined;
    if (name !== dep.name) continue;
    if (range !== undefined) {
      if (flavour === 'yarn-classic') continue; // not a package path to yarn 1
      if (range !== dep.spec && range !== `npm:${dep.spec}` && `npm:${range}` !== dep.spec) continue;
    }
    if (flavour === 'yarn-classic' && ctx.isRoot) return { kind: 'none' }; // yarn 1 leaves the project's own dependencies alone
    if (value === dep.spec) return { kind: 'none' };
    return { kind: 'applied', spec: value, why: `yarn "resolutions" in ${ctx.rootLabel} ("${key}": "${value}")` };
  }
  return { kind: 'none' };
}

/** yarn's parsePackagePath: "a/**\/@s/b" → ["a", "**", "@s/b"]. */
function splitPackagePath(key: string): string[] {
  const parts = key.split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith('@') && i + 1 < parts.length) {
      out.push(`${parts[i]}/${parts[i + 1]}`);
      i++;
    } else out.push(parts[i]);
  }
  return out;
}

async function readPnpmWorkspace(dir: string): Promise<{ packages: string[]; overrides?: unknown } | undefined> {
  for (const file of ['pnpm-workspace.yaml', 'pnpm-workspace.yml']) {
    let text: string;
    try {
      text = await fs.readFile(path.join(dir, file), 'utf8');
    } catch {
      continue;
    }
    try {
      const doc: unknown = YAML.parse(text);
      if (!isRecord(doc)) return { packages: [] };
      const packages = Array.isArray(doc.packages) ? doc.packages.filter((p): p is string => typeof p === 'string') : [];
      return { packages, overrides: doc.overrides };
    } catch {
      return { packages: [] };
    }
  }
  return undefined;
}

/** The workspace root above `dir` that lists it (package.json `workspaces` or pnpm-workspace.yaml `packages`). */
async function workspaceRootAbove(dir: string): Promise<{ manifest: ParsedManifest; dir: string } | undefined> {
  let current = path.resolve(dir);
  const start = current;
  for (let guard = 0; guard < 64; guard++) {
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
    const rel = path.relative(current, start).split(path.sep).join('/');
    let manifest: ParsedManifest | undefined;
    try {
      manifest = parseManifest(await fs.readFile(path.join(current, 'package.json'), 'utf8'));
    } catch {
      manifest = undefined;
    }
    const pnpm = await readPnpmWorkspace(current);
    const listed =
      (manifest?.workspaces && matchesWorkspaceGlobs(rel, manifest.workspaces)) || (pnpm && matchesWorkspaceGlobs(rel, pnpm.packages));
    if (listed && manifest) return { manifest, dir: current };
    if (manifest?.workspaces || pnpm) return undefined; // a workspace root that does not list this folder
  }
  return undefined;
}
