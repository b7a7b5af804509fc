/**
 * The semver functions the engine and the editor use, loaded on first call. semver's index loads and
 * compiles all of semver (its regular expressions, every range function) when a module importing it is
 * first evaluated — a good part of the editor bundle's load, for functions no activation needs.
 */
type Semver = typeof import('semver');

let lib: Semver | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = (): Semver => (lib ??= require('semver') as Semver);

export const valid: Semver['valid'] = (...a) => semver().valid(...a);
export const validRange: Semver['validRange'] = (...a) => semver().validRange(...a);
export const parse: Semver['parse'] = ((...a: Parameters<Semver['parse']>) => semver().parse(...a)) as Semver['parse'];
export const compare: Semver['compare'] = (...a) => semver().compare(...a);
export const rcompare: Semver['rcompare'] = (...a) => semver().rcompare(...a);
export const gt: Semver['gt'] = (...a) => semver().gt(...a);
export const lt: Semver['lt'] = (...a) => semver().lt(...a);
export const major: Semver['major'] = (...a) => semver().major(...a);
export const minor: Semver['minor'] = (...a) => semver().minor(...a);
export const patch: Semver['patch'] = (...a) => semver().patch(...a);
export const prerelease: Semver['prerelease'] = (...a) => semver().prerelease(...a);
export const satisfies: Semver['satisfies'] = (...a) => semver().satisfies(...a);
export const maxSatisfying: Semver['maxSatisfying'] = ((...a: Parameters<Semver['maxSatisfying']>) =>
  semver().maxSatisfying(...a)) as Semver['maxSatisfying'];
