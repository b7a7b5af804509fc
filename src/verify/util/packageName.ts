/**
 * npm's package-name check: validate-npm-package-name, as npm-package-arg applies it (names that were
 * valid for old packages — capitals, over 214 characters, `~'!()*` — still count).
 */

// validate-npm-package-name ships no typings: the part used here.
interface NameCheck {
  validForOldPackages: boolean;
  errors?: string[];
  warnings?: string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validate = require('validate-npm-package-name') as (name: string) => NameCheck;

/** Undefined when npm accepts the name; else why not (possibly ''). */
export function packageNameProblem(name: string): string | undefined {
  const check = validate(name);
  return check.validForOldPackages ? undefined : [...(check.errors ?? []), ...(check.warnings ?? [])].join(', ');
}
