/**
 * The synthetic data set on disk, and back.
 *
 * Layout of a fixtures folder:
 *   trusted_root.json          Sigstore TrustedRoot (for --trusted-root)
 *   npm-keys.json              npm keys, TUF `registry.npmjs.org/keys.json` format (for --npm-keys)
 *   npm-keys.registry.json     the same keys, registry `GET /-/npm/v1/keys` format
 *   cases.json                 { seed, generatedAt, registry, keyIds, cases: [...] }: each case with its
 *                              versionDoc, expected verdict and the relative paths of the files below
 *   tarballs/<id>.tgz          each case's tarball
 *   attestations/<id>.json     each case's attestations endpoint body (absent when it answers 404)
 *   packuments/<name>.json     full packuments (scoped names with the slash as %2f)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AttestationsBody,
  RegistryNpmKeys,
  SyntheticCase,
  SyntheticData,
  SyntheticPackument,
  TrustedRootJSON,
  TufNpmKeys,
} from './types';

export interface SyntheticFixtureFiles {
  dir: string;
  trustedRoot: string;
  npmKeys: string;
  registryKeys: string;
  cases: string;
}

/** One entry of cases.json: a SyntheticCase with files instead of inline tarball/attestations. */
export interface SyntheticCaseIndexEntry extends Omit<SyntheticCase, 'tarball' | 'attestations'> {
  /** Relative to the fixtures folder. */
  tarball: string;
  /** Relative to the fixtures folder; null when the attestations endpoint answers 404. */
  attestations: string | null;
}

export interface SyntheticCasesIndex {
  seed: string;
  generatedAt: string;
  registry: string;
  keyIds: SyntheticData['keyIds'];
  cases: SyntheticCaseIndexEntry[];
  /** Package name → relative path of its packument. */
  packuments: Record<string, string>;
}

const toJson = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';
const packumentFile = (name: string): string => `packuments/${name.replace('/', '%2f')}.json`;

export async function writeFixtures(dir: string, data: SyntheticData): Promise<SyntheticFixtureFiles> {
  await Promise.all(['tarballs', 'attestations', 'packuments'].map((d) => mkdir(join(dir, d), { recursive: true })));
  const files: SyntheticFixtureFiles = {
    dir,
    trustedRoot: join(dir, 'trusted_root.json'),
    npmKeys: join(dir, 'npm-keys.json'),
    registryKeys: join(dir, 'npm-keys.registry.json'),
    cases: join(dir, 'cases.json'),
  };
  const writes: Promise<void>[] = [
    writeFile(files.trustedRoot, toJson(data.trustedRoot)),
    writeFile(files.npmKeys, toJson(data.npmKeys)),
    writeFile(files.registryKeys, toJson(data.registryKeys)),
  ];
  const entries: SyntheticCaseIndexEntry[] = data.packages.map((c) => {
    const { tarball, attestations, ...rest } = c;
    const tarballPath = `tarballs/${c.id}.tgz`;
    const attestationsPath = attestations ? `attestations/${c.id}.json` : null;
    writes.push(writeFile(join(dir, tarballPath), tarball));
    if (attestationsPath) writes.push(writeFile(join(dir, attestationsPath), toJson(attestations)));
    return { ...rest, tarball: tarballPath, attestations: attestationsPath };
  });
  const packuments: Record<string, string> = {};
  for (const [name, p] of Object.entries(data.packuments)) {
    packuments[name] = packumentFile(name);
    writes.push(writeFile(join(dir, packuments[name]), toJson(p)));
  }
  const index: SyntheticCasesIndex = {
    seed: data.seed,
    generatedAt: data.generatedAt,
    registry: data.registry,
    keyIds: data.keyIds,
    cases: entries,
    packuments,
  };
  writes.push(writeFile(files.cases, toJson(index)));
  await Promise.all(writes);
  return files;
}

/** Read a fixtures folder written by writeSyntheticFixtures back into a SyntheticData. */
export async function loadSyntheticFixtures(dir: string): Promise<SyntheticData> {
  const readJson = async <T>(rel: string): Promise<T> => JSON.parse(await readFile(join(dir, rel), 'utf8')) as T;
  const index = await readJson<SyntheticCasesIndex>('cases.json');
  const packages: SyntheticCase[] = await Promise.all(
    index.cases.map(async (e) => ({
      ...e,
      tarball: await readFile(join(dir, e.tarball)),
      attestations: e.attestations ? await readJson<AttestationsBody>(e.attestations) : null,
    })),
  );
  const packuments: Record<string, SyntheticPackument> = {};
  for (const [name, rel] of Object.entries(index.packuments)) packuments[name] = await readJson<SyntheticPackument>(rel);
  return {
    seed: index.seed,
    generatedAt: index.generatedAt,
    registry: index.registry,
    keyIds: index.keyIds,
    trustedRoot: await readJson<TrustedRootJSON>('trusted_root.json'),
    npmKeys: await readJson<TufNpmKeys>('npm-keys.json'),
    registryKeys: await readJson<RegistryNpmKeys>('npm-keys.registry.json'),
    packages,
    packuments,
  };
}
