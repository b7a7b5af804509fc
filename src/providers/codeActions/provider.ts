/**
 * Quick fixes for Provenance Lens diagnostics: use a version whose provenance verifies, ignore the
 * package, configure the attestation registry; for a trust downgrade, the newest version of the release
 * line that keeps the line's evidence; and a fix-all for the file.
 */
import * as vscode from 'vscode';
import type { DependencyState } from '../state/documentState';
import { dependencyKey } from '../state/documentState';
import { dependencyAt, type LocatedDependency, locateDependencies } from '../locate/manifestLocator';
import type { DocumentController } from '../state/documents';
import type { Suggestion } from '../../verify/suggest';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';
import { fixFor, wantsVersionFix } from './versionFix';
import { LINE_FIX_CODES, lineFixFor } from './trust';
import type { TrustTracker } from '../state/trust';
import { FINDING_CODES } from '../../verify/history/rules';
import { MAX_NAME_LENGTH } from '../format/hover';
import { cleanText } from '../../verify/format/text';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('provenanceLens');

function specRange(document: vscode.TextDocument, located: LocatedDependency): vscode.Range {
  // Inside the quotes.
  return new vscode.Range(
    document.positionAt(located.specSpan.offset + 1),
    document.positionAt(located.specSpan.offset + located.specSpan.length - 1),
  );
}

function jsonStringBody(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** The preferred quick fix that rewrites a dependency's version string to `fix.newSpec`. */
function versionFixAction(
  document: vscode.TextDocument,
  located: LocatedDependency,
  fix: { title: string; newSpec: string },
  diagnostic: vscode.Diagnostic,
): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.edit = new vscode.WorkspaceEdit();
  action.edit.replace(document.uri, specRange(document, located), jsonStringBody(fix.newSpec));
  action.diagnostics = [diagnostic];
  action.isPreferred = true;
  return action;
}

/**
 * Where a trust downgrade has its own fix (the release line's version that keeps its evidence), that fix is the
 * preferred one for the dependency: the plain "verified provenance" suggestion may be a build from elsewhere.
 */
function preferLineFixes(actions: vscode.CodeAction[], lineFixes: vscode.CodeAction[]): vscode.CodeAction[] {
  const lines = new Set(lineFixes.map((a) => a.diagnostics?.[0]?.range.start.line));
  for (const a of actions) if (a.isPreferred && lines.has(a.diagnostics?.[0]?.range.start.line)) a.isPreferred = false;
  return actions;
}

export class ProvenanceCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(
    private readonly documents: DocumentController,
    private readonly log: vscode.LogOutputChannel,
    private readonly trust?: TrustTracker,
  ) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    try {
      if (context.only && FIX_ALL_KIND.intersects(context.only) && !context.only.contains(vscode.CodeActionKind.QuickFix)) {
        const all = await this.fixAll(document, token);
        return all ? [all] : [];
      }
      return await this.quickFixes(document, context, token);
    } catch (err) {
      this.log.error(`Code actions failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return [];
    }
  }

  private async raceCancel<T>(pending: Promise<T | undefined>, token: vscode.CancellationToken): Promise<T | undefined> {
    const cancelled = new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined)));
    try {
      return await Promise.race([pending, cancelled]);
    } catch (err) {
      this.log.warn(`No version fix for the trust finding: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private async suggestionFor(
    document: vscode.TextDocument,
    dep: DependencyState,
    token: vscode.CancellationToken,
  ): Promise<Suggestion | undefined> {
    const pending = this.documents.suggestionFor(document.uri.fsPath, dep);
    if (!pending) return undefined;
    const cancelled = new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined)));
    try {
      return await Promise.race([pending, cancelled]);
    } catch {
      return undefined;
    }
  }

  private async quickFixes(
    document: vscode.TextDocument,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const state = this.documents.get(document.uri);
    const located = locateDependencies(document.getText());
    const actions: vscode.CodeAction[] = [];
    const lineFixes: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const code = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code ?? '');
      if (code === 'mirror-stripped') {
        const action = new vscode.CodeAction(
          'Configure the attestation registry (provenanceLens.attestationRegistry)',
          vscode.CodeActionKind.QuickFix,
        );
        action.command = {
          command: 'workbench.action.openSettings',
          title: 'Open Settings',
          arguments: ['provenanceLens.attestationRegistry'],
        };
        action.diagnostics = [diagnostic];
        actions.push(action);
        continue;
      }
      const hit = dependencyAt(located, document.offsetAt(diagnostic.range.start));
      if (!hit || hit.part !== 'spec') continue;
      const dep = state?.deps.get(dependencyKey(hit.dependency.section, hit.dependency.name));
      if ((FINDING_CODES as readonly string[]).includes(code)) {
        // A trust-history finding: only a downgrade has a version fix (the line's newest version keeping its evidence).
        if (!LINE_FIX_CODES.has(code) || !dep || !this.trust || dep.dependency.spec !== hit.dependency.spec) continue;
        const lineFix = await this.raceCancel(this.trust.lineFix(document.uri.fsPath, dep), token);
        if (token.isCancellationRequested) return [];
        const fix = lineFix && lineFixFor(hit.dependency, dep, lineFix);
        if (fix) lineFixes.push(versionFixAction(document, hit.dependency, fix, diagnostic));
        continue;
      }
      if (!dep || !wantsVersionFix(dep.verdict) || dep.dependency.spec !== hit.dependency.spec) continue;
      const suggestion = await this.suggestionFor(document, dep, token);
      if (token.isCancellationRequested) return [];
      const fix = suggestion && fixFor(hit.dependency, dep, suggestion);
      if (fix) actions.push(versionFixAction(document, hit.dependency, fix, diagnostic));
      // a "name" longer than npm allows is not echoed into a title nor carried as a command argument
      if (hit.dependency.name.length <= MAX_NAME_LENGTH) {
        const ignore = new vscode.CodeAction(`Ignore ${cleanText(hit.dependency.name, 80)} for provenance`, vscode.CodeActionKind.QuickFix);
        ignore.command = { command: 'provenanceLens.ignorePackage', title: 'Ignore', arguments: [hit.dependency.name] };
        ignore.diagnostics = [diagnostic];
        actions.push(ignore);
      }
    }
    const fixable = actions.filter((a) => a.edit).length + lineFixes.length;
    if (fixable > 0) {
      const all = await this.fixAll(document, token, true);
      if (all && (all.edit?.size ?? 0) > 0) {
        const count = all.edit!.get(document.uri).length;
        if (count > 1) {
          all.title = `Use versions with verified provenance for all ${count} fixable dependencies`;
          all.kind = vscode.CodeActionKind.QuickFix;
          actions.push(all);
        }
      }
    }
    return [...lineFixes, ...preferLineFixes(actions, lineFixes)];
  }

  /**
   * One edit for every invalid / no-provenance dependency that has a verified alternative: for a trust
   * downgrade the line's fix that keeps the same source repository (as the quick fixes prefer it), else
   * the nearest verified version. A version built from another repository than the one it is compared
   * with is only ever offered one at a time, with that said in its title, never applied in bulk.
   */
  async fixAll(document: vscode.TextDocument, token: vscode.CancellationToken, onlyKnown = false): Promise<vscode.CodeAction | undefined> {
    const state = this.documents.get(document.uri);
    if (!state) return undefined;
    const located = locateDependencies(document.getText());
    const edit = new vscode.WorkspaceEdit();
    let count = 0;
    const work = located.dependencies.map(async (dependency) => {
      const dep = state.deps.get(dependencyKey(dependency.section, dependency.name));
      if (!dep || dep.dependency.spec !== dependency.spec) return;
      let fix: ReturnType<typeof fixFor>;
      const pendingLine = this.trust
        ? onlyKnown
          ? this.trust.knownLineFix(document.uri.fsPath, dep)
          : this.trust.lineFix(document.uri.fsPath, dep)
        : undefined;
      const lineFix = pendingLine && (await this.raceCancel(pendingLine, token));
      if (lineFix) {
        if (!lineFix.sameSource) return;
        fix = lineFixFor(dependency, dep, lineFix);
      } else {
        if (!wantsVersionFix(dep.verdict)) return;
        const suggestion = onlyKnown
          ? this.documents.knownSuggestion(document.uri.fsPath, dep)
          : await this.suggestionFor(document, dep, token);
        fix = suggestion && fixFor(dependency, dep, suggestion);
        if (fix?.otherRepository) return;
      }
      if (fix && !token.isCancellationRequested) {
        edit.replace(document.uri, specRange(document, dependency), jsonStringBody(fix.newSpec));
        count++;
      }
    });
    await Promise.all(work);
    if (token.isCancellationRequested || count === 0) return undefined;
    const action = new vscode.CodeAction(`Use versions with verified provenance (${count})`, FIX_ALL_KIND);
    action.edit = edit;
    return action;
  }
}
