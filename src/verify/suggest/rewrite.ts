/**
 * Writing a proposed version into a package.json spec, keeping its range operator when that still
 * resolves to the proposed version. Pure (semver only). Never imports `vscode`.
 */
import * as semver from '../util/semver';
import { isExactVersion } from '../format/text';

export interface SpecRewrite {
  /** The new spec string (without quotes). */
  spec: string;
  /** True when the original operator was kept. */
  keptOperator: boolean;
  /** Why the operator was not kept, when it was not. */
  note?: string;
}

const SIMPLE = /^(\s*)(\^|~|>=|=|v)?(\s*)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)(\s*)$/;

/**
 * The spec rewritten to `version`, keeping the range operator (`^`, `~`, `>=`, exact) when the
 * rewritten range still resolves to `version` among the known versions; otherwise the exact version.
 * `npm:` alias prefixes are kept.
 */
export function rewriteSpec(original: string, version: string, knownVersions: readonly string[]): SpecRewrite {
  if (!isExactVersion(version)) return { spec: original, keptOperator: true, note: 'not an exact version; nothing is rewritten' };
  const alias = /^(npm:(?:@[^/@\s]+\/)?[^@\s]+@)(.*)$/.exec(original);
  const prefix = alias ? alias[1] : '';
  const rest = alias ? alias[2] : original;
  const match = SIMPLE.exec(rest);
  if (!match) {
    return { spec: `${prefix}${version}`, keptOperator: false, note: 'pins the exact version (the current spec is not a simple range)' };
  }
  const op = match[2] ?? '';
  if (op === '' || op === '=' || op === 'v') {
    return { spec: `${prefix}${op === '=' ? '=' : ''}${version}`, keptOperator: true };
  }
  const candidate = `${op}${version}`;
  const valid = knownVersions.filter(isExactVersion);
  const best = semver.maxSatisfying(valid, candidate);
  if (best && best !== version) {
    return {
      spec: `${prefix}${version}`,
      keptOperator: false,
      note: `pins ${version} exactly: ${candidate} would also allow ${best}, whose provenance is not verified`,
    };
  }
  return { spec: `${prefix}${candidate}`, keptOperator: true };
}
