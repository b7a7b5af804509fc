// The "world" the end-to-end suite and the demo run against, set up the same way for both:
//
//   - the loopback fixture registry (test/fixture-registry) serving the recorded real-world cases
//     (test/fixtures/realworld, in the repository) and, at its root as well, the synthetic packages (test/synthetic), whose
//     registry key is appended to the root's /-/npm/v1/keys so they verify there too;
//   - one merged trusted_root.json: the public-good Sigstore root from the @sigstore/tuf seed (real-world
//     cases) with the synthetic CA, transparency log, CT log and TSA appended (synthetic cases);
//   - the settings and environment VS Code needs to use them: `provenanceLens.registry` (user settings),
//     `provenanceLens.trustedRoot` (remote "machine" settings: it is machine-overridable), and
//     PROVENANCE_LENS_REGISTRY for the `${...}` in demo/workspace/.npmrc.
//
// Nothing here talks to anything but 127.0.0.1. `provenanceLens.npmKeys` is deliberately not set: it
// would replace the keys of every registry; a registry other than registry.npmjs.org is asked for its
// own keys (/-/npm/v1/keys), which is what the fixture registry serves.
//
//   node --import tsx test/e2e/support/world.ts --check-lockfile   # demo/workspace/package-lock.json == what the registry serves?
//   node --import tsx test/e2e/support/world.ts --write-lockfile   # rewrite it from package.json and the registry
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type FixtureRegistry, startFixtureRegistry } from '../../fixture-registry';
import { generateSyntheticData, toFixturePackages, type SyntheticData, type TrustedRootJSON } from '../../synthetic/generate';

const REPO_ROOT = path.resolve(__dirname, '../../..');

/** The demo workspace (also the suite's main workspace, copied to a temp folder). */
export const DEMO_WORKSPACE = path.join(REPO_ROOT, 'demo/workspace');
/** Environment variable demo/workspace/.npmrc reads the registry URL from (no trailing slash). */
export const REGISTRY_ENV = 'PROVENANCE_LENS_REGISTRY';
/** Synthetic data seed: the same seed gives the same tarballs, so the demo lockfile's integrities stay valid. */
export const WORLD_SEED = 'provenance-lens-demo';

/** Packages the demo lockfile records but the registry does not know (a private package): integrity of a stand-in tarball. */
export const NOT_ON_REGISTRY: Record<string, string> = {
  '@acme/internal-utils': '2.4.1',
};

export interface ProvenanceWorld {
  /** Registry URL, no trailing slash. */
  url: string;
  registry: FixtureRegistry;
  synthetic: SyntheticData;
  /** The merged trusted root (public-good + synthetic). */
  trustedRootPath: string;
  /** User settings pointing Provenance Lens at this world. */
  settings: Record<string, unknown>;
  /**
   * Remote (machine) settings: `provenanceLens.trustedRoot` is machine-overridable, so in code-server's
   * remote window it is only honoured from <user-data>/Machine/settings.json (or workspace settings).
   */
  machineSettings: Record<string, unknown>;
  /** Environment for code-server (the extension host reads .npmrc `${...}` from it). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The public-good trusted root shipped in @sigstore/tuf's seeds.json. */
export function publicGoodTrustedRoot(): TrustedRootJSON {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const seeds = require(require.resolve('@sigstore/tuf/seeds.json')) as Record<string, { targets?: Record<string, string> }>;
  for (const repo of Object.values(seeds)) {
    const target = repo.targets?.['trusted_root.json'];
    if (target) return JSON.parse(Buffer.from(target, 'base64').toString('utf8')) as TrustedRootJSON;
  }
  throw new Error('@sigstore/tuf/seeds.json has no trusted_root.json target');
}

/** One trusted root trusting both: the public-good one with the synthetic authorities and logs appended. */
export function mergedTrustedRoot(synthetic: TrustedRootJSON): TrustedRootJSON {
  const root = publicGoodTrustedRoot();
  return {
    ...root,
    certificateAuthorities: [...(root.certificateAuthorities ?? []), ...synthetic.certificateAuthorities],
    tlogs: [...(root.tlogs ?? []), ...synthetic.tlogs],
    ctlogs: [...(root.ctlogs ?? []), ...synthetic.ctlogs],
    timestampAuthorities: [...(root.timestampAuthorities ?? []), ...synthetic.timestampAuthorities],
  };
}

/** Starts the registry (port 0 = any free port) and writes the merged trusted root into a temp folder. */
export async function startProvenanceWorld(opts: { port?: number; seed?: string } = {}): Promise<ProvenanceWorld> {
  const synthetic = await generateSyntheticData({ seed: opts.seed ?? WORLD_SEED });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'provenance-lens-world-'));
  try {
    const trustedRootPath = path.join(dir, 'trusted_root.json');
    await writeFile(trustedRootPath, `${JSON.stringify(mergedTrustedRoot(synthetic.trustedRoot), null, 2)}\n`);
    const registry = await startFixtureRegistry({
      port: opts.port ?? 0,
      extra: toFixturePackages(synthetic),
      extraKeys: synthetic.registryKeys.keys,
    });
    let closed: Promise<void> | undefined;
    return {
      url: registry.url,
      registry,
      synthetic,
      trustedRootPath,
      settings: { 'provenanceLens.registry': `${registry.url}/` },
      machineSettings: { 'provenanceLens.trustedRoot': trustedRootPath },
      env: { [REGISTRY_ENV]: registry.url },
      close: () =>
        (closed ??= (async () => {
          await registry.close().catch(() => undefined);
          await rm(dir, { recursive: true, force: true });
        })()),
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

// ───────────────────────────────────────────────────────────── the lockfile

interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** `@scope` → registry URL from an .npmrc, with `${REGISTRY_ENV}` replaced. */
function scopedRegistries(npmrc: string, url: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of npmrc.split(/\r?\n/)) {
    const m = /^\s*(@[^:\s]+):registry\s*=\s*(\S+)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!.split(`\${${REGISTRY_ENV}}`).join(url);
  }
  return out;
}

function standInIntegrity(name: string, version: string): string {
  return `sha512-${createHash('sha512').update(`${name}@${version} (a private package this registry does not serve)`).digest('base64')}`;
}

/**
 * The package-lock.json (v3) npm would write for `dir`'s package.json against the world's registry,
 * with `omit-lockfile-registry-resolved` (no `resolved` URLs, so the file does not depend on the
 * registry's port). Exact versions only: every registry dependency must be pinned or name a version the
 * registry serves; `file:` folders become links.
 */
export async function expectedLockfile(dir: string, url: string): Promise<Record<string, unknown>> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as Manifest;
  const npmrc = await readFile(path.join(dir, '.npmrc'), 'utf8').catch(() => '');
  const scopes = scopedRegistries(npmrc, url);
  const packages: Record<string, Record<string, unknown>> = {
    '': {
      name: manifest.name,
      version: manifest.version,
      ...(manifest.dependencies ? { dependencies: manifest.dependencies } : {}),
      ...(manifest.devDependencies ? { devDependencies: manifest.devDependencies } : {}),
    },
  };
  const deps: [string, string, boolean][] = [
    ...Object.entries(manifest.dependencies ?? {}).map(([n, s]): [string, string, boolean] => [n, s, false]),
    ...Object.entries(manifest.devDependencies ?? {}).map(([n, s]): [string, string, boolean] => [n, s, true]),
  ];
  const links: Record<string, Record<string, unknown>> = {};
  for (const [name, spec, dev] of deps.sort((a, b) => a[0].localeCompare(b[0]))) {
    if (spec.startsWith('file:')) {
      const target = path.posix.normalize(spec.slice('file:'.length).replace(/^\.\//, ''));
      const linked = JSON.parse(await readFile(path.join(dir, target, 'package.json'), 'utf8')) as Manifest;
      packages[`node_modules/${name}`] = { resolved: target, link: true };
      links[target] = { name: linked.name, version: linked.version, ...(dev ? { dev: true } : {}) };
      continue;
    }
    const version = spec.replace(/^[\^~=]/, '');
    let integrity: string;
    if (NOT_ON_REGISTRY[name] === version) {
      integrity = standInIntegrity(name, version);
    } else {
      const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : '';
      const base = (scopes[scope] ?? `${url}/`).replace(/\/?$/, '/');
      const res = await fetch(`${base}${name.replace('/', '%2f')}/${version}`);
      if (!res.ok) throw new Error(`${name}@${version}: ${base} answers HTTP ${res.status}`);
      const doc = (await res.json()) as { dist?: { integrity?: string } };
      if (!doc.dist?.integrity) throw new Error(`${name}@${version}: no dist.integrity`);
      integrity = doc.dist.integrity;
    }
    packages[`node_modules/${name}`] = { version, integrity, ...(dev ? { dev: true } : {}) };
  }
  Object.assign(packages, links);
  return { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages };
}

async function main(args: string[]): Promise<void> {
  const write = args.includes('--write-lockfile');
  if (!write && !args.includes('--check-lockfile')) {
    process.stdout.write('usage: node --import tsx test/e2e/support/world.ts --check-lockfile | --write-lockfile [DIR]\n');
    return;
  }
  const dir = path.resolve(args.find((a) => !a.startsWith('--')) ?? DEMO_WORKSPACE);
  const world = await startProvenanceWorld();
  try {
    const lock = `${JSON.stringify(await expectedLockfile(dir, world.url), null, 2)}\n`;
    const file = path.join(dir, 'package-lock.json');
    if (write) {
      await writeFile(file, lock);
      process.stdout.write(`wrote ${file}\n`);
    } else if ((await readFile(file, 'utf8').catch(() => '')) !== lock) {
      process.stderr.write(`${file} differs from what the registry serves; rewrite it with --write-lockfile\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`${file} matches the registry\n`);
    }
  } finally {
    await world.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).message ?? e}\n`);
    process.exit(1);
  });
}
