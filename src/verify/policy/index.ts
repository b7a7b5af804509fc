/** The trust policy shared by the editor and the CLI. */
export * from './types';
export { parsePolicy, findPolicyFile, loadPolicy, type PolicyParseResult } from './load';
