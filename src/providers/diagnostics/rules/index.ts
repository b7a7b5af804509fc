import type { DiagnosticRule } from '../types';
import { invalidProvenance } from './invalid';
import { manifestProblems } from './manifestProblems';
import { mirrorStripsProvenance } from './mirror';
import { noProvenance } from './noProvenance';
import { unavailableNotice } from './unavailable';

export const RULES: readonly DiagnosticRule[] = [invalidProvenance, noProvenance, unavailableNotice, mirrorStripsProvenance, manifestProblems];

export { invalidProvenance, manifestProblems, mirrorStripsProvenance, noProvenance, unavailableNotice };
