import type { DiagnosticRule } from '../types';
import { invalidProvenance } from './invalid';
import { manifestProblems } from './manifestProblems';
import { mirrorStripsProvenance } from './mirror';
import { noProvenance } from './noProvenance';
import { trustFindings } from './trust-findings';
import { trustPolicy } from './trust-policy';
import { unavailableNotice } from './unavailable';

export const RULES: readonly DiagnosticRule[] = [
  invalidProvenance,
  noProvenance,
  unavailableNotice,
  mirrorStripsProvenance,
  manifestProblems,
  trustFindings,
  trustPolicy,
];

export { invalidProvenance, manifestProblems, mirrorStripsProvenance, noProvenance, trustFindings, trustPolicy, unavailableNotice };
