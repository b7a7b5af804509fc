/**
 * The synthetic cases in the shape a loopback fixture registry serves (test/fixture-registry's
 * `FixturePackage`: versions with versionDoc, attestations body or null for 404, tarball and time),
 * with every SYNTHETIC_REGISTRY URL turned into a placeholder the server rewrites to its own URL.
 * Structural types only: nothing here imports the fixture registry.
 */
import { SYNTHETIC_REGISTRY, type AttestationsBody, type SyntheticData } from './types';

export interface SyntheticFixtureVersion {
  versionDoc: Record<string, unknown>;
  /** null => the attestations endpoint answers 404. */
  attestations: AttestationsBody | null;
  tarball: Buffer;
  time: string;
}

export interface SyntheticFixturePackage {
  name: string;
  versions: Record<string, SyntheticFixtureVersion>;
  distTags: Record<string, string>;
}

/**
 * Packages for a fixture registry. `placeholder` replaces `${SYNTHETIC_REGISTRY}/` in every string of
 * the version documents; the default `{{registry}}` is what test/fixture-registry rewrites to its URL
 * (with trailing slash).
 */
export function toFixturePackages(data: SyntheticData, placeholder = '{{registry}}'): SyntheticFixturePackage[] {
  const out = new Map<string, SyntheticFixturePackage>();
  for (const c of data.packages) {
    const pkg = out.get(c.name) ?? { name: c.name, versions: {}, distTags: { ...data.packuments[c.name]!['dist-tags'] } };
    out.set(c.name, pkg);
    const doc = JSON.stringify(c.versionDoc).split(`${SYNTHETIC_REGISTRY}/`).join(placeholder);
    pkg.versions[c.version] = {
      versionDoc: JSON.parse(doc) as Record<string, unknown>,
      attestations: c.attestations,
      tarball: c.tarball,
      time: c.time,
    };
  }
  return [...out.values()];
}
