/**
 * Version completion inside a dependency's version string, marked by provenance state.
 */
import * as vscode from 'vscode';
import type { LensSettings } from '../config/lensSettings';
import { dependencyAt, locateDependencies } from '../locate/manifestLocator';
import type { DocumentController } from '../state/documents';
import { newestFirstAttested } from '../../verify/suggest';
import { versionItems, versionSlot } from './versionItems';

/** With verifiedOnly, how many of the newest attested versions are verified on demand. */
const VERIFY_ON_DEMAND = 5;

export class VersionCompletionProvider implements vscode.CompletionItemProvider {
  constructor(
    private readonly documents: DocumentController,
    private readonly settings: () => LensSettings,
    private readonly registryStrips: () => boolean,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.CompletionList | undefined> {
    try {
      const offset = document.offsetAt(position);
      const hit = dependencyAt(locateDependencies(document.getText()), offset);
      if (!hit || hit.part !== 'spec') return undefined;
      const { dependency } = hit;
      const literal = document.getText().slice(dependency.specSpan.offset, dependency.specSpan.offset + dependency.specSpan.length);
      const slot = versionSlot(literal, dependency.specSpan.offset);
      if (!slot || offset < slot.start || offset > slot.end) return undefined;
      const registryName = slot.aliasName ?? dependency.name;

      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      try {
        const engine = this.documents.engineFor(document.uri.fsPath);
        const { versions } = await engine.listVersions(registryName, { signal: controller.signal });
        const verifiedOnly = this.settings().completionVerifiedOnly;
        if (verifiedOnly) {
          const unknown = newestFirstAttested(versions)
            .filter((v) => !this.documents.knownVerdicts.has(`${registryName}@${v}`))
            .slice(0, VERIFY_ON_DEMAND);
          const verdicts = await engine.verifyAll(
            unknown.map((version) => ({ name: registryName, version, resolvedFrom: 'registry' as const })),
            { signal: controller.signal },
          );
          for (const v of verdicts) if (v.status !== 'unavailable') this.documents.knownVerdicts.set(`${v.name}@${v.version}`, v);
        }
        if (token.isCancellationRequested) return undefined;
        const range = new vscode.Range(document.positionAt(slot.start), document.positionAt(slot.end));
        const items = versionItems(registryName, versions, this.documents.knownVerdicts, verifiedOnly, this.registryStrips()).map(
          (item) => {
            const completion = new vscode.CompletionItem(
              { label: item.version, description: item.detail },
              vscode.CompletionItemKind.Value,
            );
            completion.range = range;
            completion.insertText = item.version;
            completion.filterText = item.version;
            completion.sortText = item.sortText;
            completion.detail = item.detail;
            if (item.publishTime) completion.documentation = `Published ${item.publishTime}`;
            if (item.deprecated) completion.tags = [vscode.CompletionItemTag.Deprecated];
            if (item.preselect) completion.preselect = true;
            return completion;
          },
        );
        return new vscode.CompletionList(items, false);
      } finally {
        cancel.dispose();
      }
    } catch (err) {
      if (!token.isCancellationRequested) this.log.warn(`Version completion failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}
