/**
 * Large synthetic worlds for benchmarks (`npm run bench`): N distinct packages from the synthetic
 * generator (./generate.ts), about 30 % with genuine provenance and the rest published without it, as in
 * a real lockfile — every one signed by the active registry key, every provenance bundle valid against the
 * generated trusted root. Nothing here is invalid on purpose: the fixed scenarios cover that.
 *
 *   const world = await generateWorld({ count: 1000 });
 *   // world.data: SyntheticData (trusted root, keys, packages); world.fixturePackages for a fixture registry
 *   writeLockfileProject(dir, world, registryUrl); // package.json + package-lock.json (v3) over every package
 *
 * The provenance share mixes what the registry really serves: GitHub-hosted builds (branch and tag
 * builds, publish attestations in v0.3 and v0.2 bundles), a few self-hosted runners and GitLab builds.
 * About a quarter of the names are scoped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  generateSyntheticData,
  toFixturePackages,
  type SyntheticData,
  type SyntheticFixturePackage,
  type SyntheticScenario,
} from './generate';

export interface WorldOptions {
  /** Distinct packages (one version each). Default 1000. */
  count?: number;
  /** Share with provenance, 0..1. Default 0.3. */
  provenanceShare?: number;
  /** Same seed → same world (keys, tarballs, names). Default 'world'. */
  seed?: string;
  /** Generation time (default now). */
  now?: Date | string | number;
}

export interface World {
  data: SyntheticData;
  /** The packages as test/fixture-registry serves them (`{{registry}}` placeholders). */
  fixturePackages: SyntheticFixturePackage[];
  /** How many have provenance. */
  withProvenance: number;
  count: number;
}

const VERIFIED = { status: 'verified', registrySignature: 'valid' } as const;
const BOTH_VALID = { publish: 'valid', provenance: 'valid' } as const;

/** The world's scenario list: deterministic for a given count and share. */
export function worldScenarios(count: number, provenanceShare = 0.3): SyntheticScenario[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('world: count must be a positive integer');
  if (!(provenanceShare >= 0 && provenanceShare <= 1)) throw new RangeError('world: provenanceShare must lie in 0..1');
  const out: SyntheticScenario[] = [];
  let provenance = 0;
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(4, '0');
    const name = i % 4 === 3 ? `@world-scope-${i % 7}/pkg-${n}` : `world-pkg-${n}`;
    const version = `${1 + (i % 5)}.${i % 11}.${i % 3}`;
    const repo = `world-org-${i % 13}/${name.replace(/^@/, '').replace('/', '-')}`;
    // Spread provenance evenly: package i has it when floor((i+1)·share) grew.
    const has = Math.floor((i + 1) * provenanceShare) > provenance;
    if (!has) {
      out.push({
        id: `world-${n}`,
        description: `World package ${n}, published without provenance.`,
        name,
        version,
        expected: { status: 'no-provenance', registrySignature: 'valid' },
        sigstore: {},
      });
      continue;
    }
    provenance++;
    const kind = provenance % 20;
    const spec: SyntheticScenario = {
      id: `world-${n}`,
      description: `World package ${n}, with provenance.`,
      name,
      version,
      build:
        kind === 7
          ? { kind: 'gitlab', project: `world-group/${repo.split('/')[1]}` }
          : {
              kind: 'github',
              repository: repo,
              ...(kind % 3 === 0 ? { ref: `refs/tags/v${version}`, event: 'release' } : {}),
              ...(kind === 11 ? { runner: 'self-hosted' as const } : {}),
            },
      ...(kind % 4 === 1 || kind === 7 ? { publish: { bundle: 'v0.2' as const } } : {}),
      expected: VERIFIED,
      sigstore: BOTH_VALID,
    };
    out.push(spec);
  }
  return out;
}

/** Generate a world of `count` distinct packages (about 5 s per 1,000 on a 2-core machine). */
export async function generateWorld(options: WorldOptions = {}): Promise<World> {
  const count = options.count ?? 1000;
  const scenarios = worldScenarios(count, options.provenanceShare ?? 0.3);
  // Every signing time within the generator's 30 → 23 days window, whatever the count.
  const spacingMs = Math.max(1000, Math.floor((6 * 24 * 3600 * 1000) / count));
  const data = await generateSyntheticData({
    seed: options.seed ?? 'world',
    scenarios,
    spacingMs,
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  return {
    data,
    fixturePackages: toFixturePackages(data),
    withProvenance: scenarios.filter((s) => s.build).length,
    count,
  };
}

function tarballUrl(registry: string, name: string, version: string): string {
  const base = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
  return `${registry.replace(/\/?$/, '/')}${name}/-/${base}-${version}.tgz`;
}

/**
 * Write `dir/package.json` (every world package as a dependency) and `dir/package-lock.json`
 * (lockfileVersion 3) whose `resolved` URLs point at `registry`. Returns the manifest path.
 */
export function writeLockfileProject(dir: string, world: Pick<World, 'data'>, registry: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const dependencies: Record<string, string> = {};
  const packages: Record<string, unknown> = {};
  for (const c of world.data.packages) {
    dependencies[c.name] = `^${c.version}`;
    packages[`node_modules/${c.name}`] = {
      version: c.version,
      resolved: tarballUrl(registry, c.name, c.version),
      integrity: c.integrity,
      license: 'MIT',
    };
  }
  const manifest = { name: 'world-project', version: '1.0.0', private: true, dependencies };
  const lock = {
    name: 'world-project',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: 'world-project', version: '1.0.0', dependencies }, ...packages },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
  return path.join(dir, 'package.json');
}
