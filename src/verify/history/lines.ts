/**
 * Release lines: a version is judged against the earlier versions of its own line, never by publish date
 * alone. Same major; for 0.x the same minor (0.0.x: the same patch); pre-releases by channel (the first
 * pre-release identifier when it is not a number), never against stable versions or the reverse (except the
 * first pre-release of a channel: see earlierInLine).
 */
import * as semver from '../util/semver';
import type { ReleaseLine, VersionEvidence } from './types';

export function releaseLineOf(version: string): ReleaseLine {
  const v = semver.parse(version);
  if (!v) return { key: version, label: version, prerelease: false };
  const base = v.major > 0 ? `${v.major}` : v.minor > 0 ? `0.${v.minor}` : `0.0.${v.patch}`;
  const baseLabel = v.major > 0 ? `${v.major}.x` : v.minor > 0 ? `0.${v.minor}.x` : `0.0.${v.patch}`;
  if (v.prerelease.length === 0) return { key: base, label: baseLabel, prerelease: false };
  const first = v.prerelease[0];
  const channel = typeof first === 'string' ? first.toLowerCase() : '';
  return {
    key: `${base}-${channel}`,
    label: channel ? `${baseLabel} ${channel} pre-releases` : `${baseLabel} pre-releases`,
    prerelease: true,
  };
}

export function sameLine(a: string, b: string): boolean {
  return releaseLineOf(a).key === releaseLineOf(b).key;
}

/**
 * The versions of `version`'s line that came before it, newest first: lower in semver order and, when both
 * publish times are known, not published after it (a later backport to an older line is not "before").
 * The first pre-release of a channel (nothing earlier in it) is judged against the stable versions of its
 * line instead: otherwise `3.20.0-0` moved to `latest` would hide a downgrade from 3.19.x.
 */
export function earlierInLine(versions: readonly VersionEvidence[], version: string, publishTime?: string): VersionEvidence[] {
  const line = releaseLineOf(version);
  const t = publishTime ? Date.parse(publishTime) : NaN;
  const before = versions
    .filter((v) => semver.valid(v.version) && semver.lt(v.version, version))
    .filter((v) => !(Number.isFinite(t) && v.publishTime && Date.parse(v.publishTime) > t))
    .sort((a, b) => semver.rcompare(a.version, b.version));
  const inChannel = before.filter((v) => releaseLineOf(v.version).key === line.key);
  if (inChannel.length || !line.prerelease) return inChannel;
  const stableKey = releaseLineOf(`${semver.major(version)}.${semver.minor(version)}.${semver.patch(version)}`).key;
  return before.filter((v) => releaseLineOf(v.version).key === stableKey);
}
