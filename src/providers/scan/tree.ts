/**
 * The "Provenance" results view: status → package → where it is used.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BADGE_GLYPH } from '../format/badge';
import { STATUS_LABEL, shortReason } from '../format/reasons';
import { cleanText, shortCommit, shortRepository } from '../../verify/format/text';
import { groupResults, type PackageGroup, type ScanOccurrence, type ScanResults, type StatusGroup } from './scanResults';

export const RESULTS_VIEW = 'provenanceLens.results';

type Node =
  | { kind: 'status'; group: StatusGroup }
  | { kind: 'package'; group: PackageGroup }
  | { kind: 'occurrence'; occurrence: ScanOccurrence; group: PackageGroup };

const STATUS_ICON: Record<string, [string, string]> = {
  verified: ['pass', 'provenanceLens.verifiedForeground'],
  invalid: ['error', 'provenanceLens.invalidForeground'],
  'no-provenance': ['circle-large-outline', 'provenanceLens.noProvenanceForeground'],
  unavailable: ['question', 'provenanceLens.unavailableForeground'],
  'not-applicable': ['circle-small', 'provenanceLens.notApplicableForeground'],
};

function icon(status: string): vscode.ThemeIcon {
  const [id, color] = STATUS_ICON[status] ?? STATUS_ICON.unavailable;
  return new vscode.ThemeIcon(id, new vscode.ThemeColor(color));
}

export class ResultsTree implements vscode.TreeDataProvider<Node> {
  private results: ScanResults | undefined;
  private groups: StatusGroup[] = [];
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  set(results: ScanResults | undefined): void {
    this.results = results;
    this.groups = results ? groupResults(results.items) : [];
    this.changed.fire(undefined);
  }

  get(): ScanResults | undefined {
    return this.results;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.groups.map((group) => ({ kind: 'status', group }));
    if (node.kind === 'status') return node.group.packages.map((group) => ({ kind: 'package', group }));
    if (node.kind === 'package' && node.group.occurrences.length > 1) {
      return node.group.occurrences.map((occurrence) => ({ kind: 'occurrence', occurrence, group: node.group }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'status': {
        const item = new vscode.TreeItem(
          `${STATUS_LABEL[node.group.status]} (${node.group.packages.length})`,
          node.group.status === 'verified' || node.group.status === 'not-applicable'
            ? vscode.TreeItemCollapsibleState.Collapsed
            : vscode.TreeItemCollapsibleState.Expanded,
        );
        item.iconPath = icon(node.group.status);
        item.id = `status:${node.group.status}`;
        item.contextValue = 'status';
        return item;
      }
      case 'package': {
        const { verdict, occurrences } = node.group;
        const item = new vscode.TreeItem(
          cleanText(node.group.id, 200),
          occurrences.length > 1 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `package:${verdict.status}:${node.group.id}`;
        item.iconPath = icon(verdict.status);
        item.description =
          verdict.status === 'verified' && verdict.facts
            ? `${BADGE_GLYPH.verified} ${shortRepository(verdict.facts.sourceRepository)}@${shortCommit(verdict.facts.sourceCommit)}`
            : `${BADGE_GLYPH[verdict.status] ?? '?'} ${shortReason(verdict.reason?.code) || STATUS_LABEL[verdict.status] || ''}`;
        item.tooltip = new vscode.MarkdownString().appendText(
          `${node.group.id}: ${STATUS_LABEL[verdict.status] ?? verdict.status}\n${cleanText(verdict.reason?.message ?? '', 500)}\n` +
            occurrences.map((o) => this.where(o)).join('\n'),
        );
        item.command = { command: 'provenanceLens.revealResult', title: 'Reveal', arguments: [occurrences[0], verdict.name, verdict.version] };
        item.contextValue = 'package';
        return item;
      }
      case 'occurrence': {
        const item = new vscode.TreeItem(this.where(node.occurrence), vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('json');
        item.command = {
          command: 'provenanceLens.revealResult',
          title: 'Reveal',
          arguments: [node.occurrence, node.group.verdict.name, node.group.verdict.version],
        };
        return item;
      }
    }
  }

  private where(occurrence: ScanOccurrence): string {
    const file = occurrence.specSpan ? occurrence.manifestPath : occurrence.lockfilePath ?? occurrence.manifestPath;
    return vscode.workspace.asRelativePath(file, true) || path.basename(file);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
