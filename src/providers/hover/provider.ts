/**
 * Hover on a dependency's name or version: the verdict and what it rests on.
 */
import { wantsVersionFix } from '../codeActions/versionFix';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildHoverMarkdown, HOVER_COMMANDS, type HoverSuggestion } from '../format/hover';
import { dependencyAt, locateDependencies } from '../locate/manifestLocator';
import { currentTrust, dependencyKey } from '../state/documentState';
import type { DocumentController } from '../state/documents';
import { rewriteSpec, type Suggestion } from '../../verify/suggest';
import { isRewritable } from '../codeActions/versionFix';

/** How long a hover waits for alternatives to be found before showing what it has. */
const SUGGESTION_WAIT_MS = 1500;

function toHoverSuggestion(s: Suggestion, spec: string | undefined): HoverSuggestion {
  // Only mention a quick fix when it would change the spec (the code action offers the same).
  const changes =
    s.fix &&
    spec !== undefined &&
    rewriteSpec(
      spec,
      s.fix.version,
      s.versions.map((v) => v.version),
    ).spec !== spec;
  return {
    newestVerified: s.newestVerified,
    fix: changes ? s.fix : undefined,
    attestedCount: s.attestedCount,
    checkedWithoutSuccess: s.checkedWithoutSuccess,
  };
}

export class ProvenanceHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly documents: DocumentController,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideHover(
    document: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    try {
      const hit = dependencyAt(locateDependencies(document.getText()), document.offsetAt(position));
      if (!hit) return undefined;
      const { dependency } = hit;
      const state = this.documents.get(document.uri);
      if (!state) return undefined;
      const dep = state.deps.get(dependencyKey(dependency.section, dependency.name));
      const stale = !dep || dep.dependency.spec !== dependency.spec;
      if (!dep && !state.running && document.version === state.docVersion) return undefined;
      const verdict = stale ? undefined : dep?.verdict;

      let suggestion: HoverSuggestion | undefined;
      if (dep && verdict && wantsVersionFix(verdict)) {
        const pending = this.documents.suggestionFor(document.uri.fsPath, dep);
        if (pending) {
          const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), SUGGESTION_WAIT_MS));
          try {
            const found = await Promise.race([pending, timeout]);
            suggestion = found
              ? toHoverSuggestion(found, isRewritable(dep.dependency.kind) ? dependency.spec : undefined)
              : { pending: true };
          } catch (err) {
            suggestion = { error: err instanceof Error ? err.message : String(err) };
          }
        }
      }
      if (token.isCancellationRequested) return undefined;

      const markdown = buildHoverMarkdown({
        name: dependency.name,
        spec: dependency.spec ?? '',
        section: dependency.section,
        documentUri: document.uri.toString(),
        verdict,
        resolvedFrom: dep?.resolved?.resolvedFrom,
        lockfileName: state.lockfile ? path.basename(state.lockfile.path) : undefined,
        stale: stale && (state.running || document.version !== state.docVersion),
        note: stale ? undefined : dep?.resolved?.note,
        suggestion,
        trust: stale ? undefined : currentTrust(dep),
        trustPolicy: state.trustPolicy,
      });
      const content = new vscode.MarkdownString(markdown);
      content.supportHtml = false;
      content.supportThemeIcons = false;
      content.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
      const span = hit.part === 'name' ? dependency.nameSpan : dependency.specSpan;
      return new vscode.Hover(content, new vscode.Range(document.positionAt(span.offset), document.positionAt(span.offset + span.length)));
    } catch (err) {
      this.log.error(`Hover failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return undefined;
    }
  }
}
