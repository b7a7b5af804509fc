/**
 * Integrity strings read exactly as the installer reads them.
 *
 * npm (pacote, @npmcli/arborist), pnpm and yarn classic parse `dist.integrity` and a lockfile's
 * `integrity` with ssri, non-strict (`ssri.parse(s)`), pick the strongest algorithm listed
 * (`Integrity.pickAlgorithm`, ssri's priority: … sha1 < … < sha384 < sha512) and accept a tarball whose
 * digest equals ANY digest listed for that algorithm. Digests are compared as strings, as ssri does.
 *
 * Provenance binds one sha512 digest (the statements' subject, the registry signature's message). A
 * verdict about that digest is about the bytes the installer accepts only when every digest the
 * installer would accept is that one sha512. This module decides that, and nothing else:
 *
 * - `registryPin`: what a registry's `dist.integrity` (+ `dist.shasum`) pins: one sha512, or why not;
 * - `bindIntegrity`: whether a lockfile's integrity pins exactly the registry's signed sha512.
 */
import ssri from 'ssri';

/** An integrity string as the installer parses it. */
export interface ParsedIntegrity {
  /** Every algorithm ssri recognised, with its distinct digests (strings, as ssri compares them). */
  hashes: ReadonlyMap<string, readonly string[]>;
  /** The algorithm the installer checks (ssri's pickAlgorithm). */
  algorithm: string;
  /** The digests the installer accepts for `algorithm` (a tarball matching any one of them is accepted). */
  accepted: readonly string[];
}

type SsriIntegrity = Record<string, { digest: string }[]> & { pickAlgorithm(): string | null };

/** Parse as the installer does (ssri, non-strict); undefined when nothing usable is listed (the installer then checks nothing). */
export function parseIntegrity(value: unknown): ParsedIntegrity | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  let parsed: SsriIntegrity | null;
  try {
    parsed = ssri.parse(value) as unknown as SsriIntegrity | null;
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  const hashes = new Map<string, string[]>();
  for (const algorithm of Object.keys(parsed)) {
    const digests = [...new Set(parsed[algorithm]!.map((h) => h.digest))];
    if (digests.length > 0) hashes.set(algorithm, digests);
  }
  const algorithm = parsed.pickAlgorithm();
  if (!algorithm || !hashes.has(algorithm)) return undefined;
  return { hashes, algorithm, accepted: hashes.get(algorithm)! };
}

/** The canonical base64 of a 64-byte sha512 digest, or undefined when `digest` is not one. */
function canonicalSha512(digest: string): string | undefined {
  const bytes = Buffer.from(digest, 'base64');
  return bytes.length === 64 && bytes.toString('base64') === digest ? digest : undefined;
}

/** base64 of a hex digest (`dist.shasum`), or undefined when it is not 40 hex digits. */
export function sha1FromHex(hex: unknown): string | undefined {
  return typeof hex === 'string' && /^[0-9a-fA-F]{40}$/.test(hex) ? Buffer.from(hex, 'hex').toString('base64') : undefined;
}

/** sha512 hex (a statement's subject digest) as the base64 ssri compares. */
export function sha512FromHex(hex: string): string | undefined {
  return /^[0-9a-fA-F]{128}$/.test(hex) ? Buffer.from(hex, 'hex').toString('base64') : undefined;
}

/** What a registry's integrity pins. */
export type RegistryPin =
  /** Exactly one sha512 (`digest`, canonical base64); `sha1` lists the sha1 digests known for the same tarball. */
  | { kind: 'sha512'; digest: string; sha1: string[] }
  /** No sha512 the installer would check (an old sha1-only publication, or a digest that is not a sha512). */
  | { kind: 'none'; sha1: string[] }
  /** More than one tarball would be accepted, or digests that cannot all describe one tarball. */
  | { kind: 'ambiguous'; message: string }
  /** No integrity at all. */
  | { kind: 'missing' };

const short = (s: string): string => (s.length > 24 ? `${s.slice(0, 24)}…` : s);

/**
 * What a registry's `dist.integrity` (with `dist.shasum`) pins. A version is verifiable only when it pins
 * exactly one sha512: several digests for the algorithm the installer checks, or digests of other
 * algorithms that cannot be checked against it (anything but a sha1 equal to `dist.shasum`), are ambiguous.
 */
export function registryPin(integrity: unknown, shasum?: unknown): RegistryPin {
  const parsed = parseIntegrity(integrity);
  const shasumDigest = sha1FromHex(shasum);
  if (!parsed) return { kind: 'missing' };
  const sha1 = [...(parsed.hashes.get('sha1') ?? [])];
  if (shasumDigest && !sha1.includes(shasumDigest)) sha1.push(shasumDigest);
  if (parsed.accepted.length > 1) {
    return {
      kind: 'ambiguous',
      message: `it lists ${parsed.accepted.length} different ${parsed.algorithm} digests, and the installer accepts a tarball matching any one of them`,
    };
  }
  if (sha1.length > 1)
    return { kind: 'ambiguous', message: `its sha1 digests (${sha1.map(short).join(', ')}) describe different tarballs` };
  if (parsed.algorithm !== 'sha512') return { kind: 'none', sha1 };
  const others = [...parsed.hashes.keys()].filter((a) => a !== 'sha512' && a !== 'sha1');
  if (others.length > 0) {
    return {
      kind: 'ambiguous',
      message: `besides its sha512 it lists ${others.join(', ')} digests, which cannot be checked against the signed sha512`,
    };
  }
  const digest = canonicalSha512(parsed.accepted[0]!);
  return digest ? { kind: 'sha512', digest, sha1 } : { kind: 'none', sha1 };
}

/** How a lockfile's integrity relates to the registry's signed tarball. */
export type Binding =
  /** Every digest the installer accepts is the registry's signed sha512. */
  | { kind: 'pinned' }
  /** The lockfile records no integrity the installer would check: it accepts any bytes. */
  | { kind: 'missing' }
  /** The lockfile pins the tarball only by a digest that cannot be tied to the signed sha512 (sha1, sha384…). */
  | { kind: 'weak'; message: string }
  /** The lockfile pins other bytes than the registry's. */
  | { kind: 'mismatch'; message: string }
  /** The lockfile lets the installer accept more than one tarball. */
  | { kind: 'ambiguous'; message: string };

/**
 * Problems a lockfile integrity has on its own, whatever the registry serves: several digests for the
 * algorithm the installer checks, or a sha512 beside digests of algorithms other than sha1.
 */
export function lockfileAmbiguity(integrity: unknown): { kind: 'ambiguous'; message: string } | undefined {
  const parsed = parseIntegrity(integrity);
  return parsed && ambiguityOf(parsed);
}

function ambiguityOf(parsed: ParsedIntegrity): { kind: 'ambiguous'; message: string } | undefined {
  if (parsed.accepted.length > 1) {
    return {
      kind: 'ambiguous',
      message: `The lockfile's integrity lists ${parsed.accepted.length} different ${parsed.algorithm} digests; the installer accepts a tarball matching any one of them, so it does not pin one tarball.`,
    };
  }
  if (parsed.algorithm === 'sha512') {
    const others = [...parsed.hashes.keys()].filter((a) => a !== 'sha512' && a !== 'sha1');
    if (others.length > 0) {
      return {
        kind: 'ambiguous',
        message: `The lockfile's integrity lists ${others.join(', ')} digests besides its sha512; an installer that checks those would accept a different tarball.`,
      };
    }
  }
  return undefined;
}

/**
 * Whether a lockfile's integrity pins exactly the tarball the registry signed (`pin`). A sha1-only
 * integrity is compared with the registry's sha1 (`dist.shasum`): a difference is a mismatch, equality is
 * still only `weak` (sha1 is not what provenance signs, and it is not collision-resistant).
 */
export function bindIntegrity(lockfile: unknown, pin: RegistryPin): Binding {
  const parsed = parseIntegrity(lockfile);
  if (!parsed) return { kind: 'missing' };
  const alone = ambiguityOf(parsed);
  if (alone) return alone;
  const digest = parsed.accepted[0]!;
  const sha1Known = pin.kind === 'sha512' || pin.kind === 'none' ? pin.sha1 : [];
  if (parsed.algorithm === 'sha512') {
    const extraSha1 = parsed.hashes.get('sha1') ?? [];
    if (pin.kind !== 'sha512') {
      return { kind: 'weak', message: `the registry's integrity has no single sha512 to compare the lockfile's sha512 with` };
    }
    if (digest !== pin.digest) {
      return { kind: 'mismatch', message: `the lockfile pins sha512 ${short(digest)}, the registry serves sha512 ${short(pin.digest)}` };
    }
    const wrongSha1 = extraSha1.find((d) => sha1Known.length > 0 && !sha1Known.includes(d));
    if (wrongSha1) {
      return {
        kind: 'ambiguous',
        message: `The lockfile's integrity pairs the registry's sha512 with sha1 ${short(wrongSha1)}, which is not the registry's: it names two different tarballs.`,
      };
    }
    return { kind: 'pinned' };
  }
  if (parsed.algorithm === 'sha1') {
    if (sha1Known.length > 0 && !sha1Known.includes(digest)) {
      return { kind: 'mismatch', message: `the lockfile pins sha1 ${short(digest)}, the registry serves sha1 ${short(sha1Known[0]!)}` };
    }
    return {
      kind: 'weak',
      message:
        sha1Known.length > 0
          ? "the lockfile pins the tarball only by sha1 (equal to the registry's), not by the sha512 that provenance signs"
          : 'the lockfile pins the tarball only by sha1, which the registry does not state, not by the sha512 that provenance signs',
    };
  }
  return { kind: 'weak', message: `the lockfile pins the tarball only by ${parsed.algorithm}, not by the sha512 that provenance signs` };
}

/** Whether two registries' integrities pin the same tarball (the same single sha512; or, without one, the same sha1). */
export function samePin(a: RegistryPin, b: RegistryPin): boolean {
  if (a.kind === 'sha512' && b.kind === 'sha512') return a.digest === b.digest;
  if (a.kind === 'none' && b.kind === 'none')
    return a.sha1.length > 0 && a.sha1.length === b.sha1.length && a.sha1.every((d) => b.sha1.includes(d));
  return false;
}
