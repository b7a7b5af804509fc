/**
 * Diagnostic rules are pure functions from what is known about a package.json to problem
 * descriptions; `../index.ts` turns them into `vscode.Diagnostic`s. No `vscode` import.
 */
import type { RegistryObservation, TextSpan } from '../../verify/types';
import { cleanText } from '../../verify/format/text';
import type { LocatedDependency, LocatedManifest } from '../locate/manifestLocator';
import type { DependencyState, TrustPolicyStatus } from '../state/documentState';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type SeveritySetting = Severity | 'none';

export interface RuleDiagnostic {
  span: TextSpan;
  severity: Severity;
  message: string;
  /** The reason code (README anchor name). */
  code: string;
  /** https link explaining the code. */
  target: string;
  /** Which dependency the diagnostic is about (quick fixes use it). */
  dependency?: { section: string; name: string };
}

export interface RuleDependency {
  located: LocatedDependency;
  state?: DependencyState;
  /** The spec in the text differs from the one verified: the verdict is out of date. */
  stale: boolean;
}

export interface RuleContext {
  fileName: string;
  located: LocatedManifest;
  deps: RuleDependency[];
  /** Problems the engine reported for this text version (non-string specs...). */
  engineProblems: { message: string; span: TextSpan }[];
  /** The run failed as a whole. */
  runError?: string;
  observations: RegistryObservation[];
  /** The trust policy for this file, once the trust history has looked for it. */
  trustPolicy?: TrustPolicyStatus;
  settings: {
    noProvenanceSeverity: SeveritySetting;
    attestationRegistry: string;
  };
}

export type DiagnosticRule = (context: RuleContext) => RuleDiagnostic[];

/** Where a file-level notice goes: the key of the first dependency section, else the start of the file. */
export function fileNoticeSpan(context: RuleContext, preferred?: LocatedDependency): TextSpan {
  if (preferred) {
    const key = context.located.sectionKeys[preferred.section];
    if (key) return key;
  }
  for (const section of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const) {
    const key = context.located.sectionKeys[section];
    if (key) return key;
  }
  return { offset: 0, length: 1 };
}

/** Settled verdicts of dependencies whose spec is unchanged. */
export function settled(context: RuleContext) {
  return context.deps.filter((d) => !d.stale && d.state?.verdict).map((d) => ({ ...d, verdict: d.state!.verdict! }));
}

/** Appends a resolution note (e.g. "package-lock.json is out of date: …") to a message. */
export function withNote(message: string, note: string | undefined): string {
  return note ? `${message} ${cleanText(note, 400)}` : message;
}
