/**
 * The "Provenance" results view: status → package → where it is used. Once the scan's trust history is
 * judged (./trust.ts), a "Trust findings" group comes first with the packages that have findings; such a
 * package is marked (`⚠ provenance-lost`) wherever it is listed, and its findings are its children (the
 * message as tooltip).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BADGE_GLYPH } from '../format/badge';
import { STATUS_LABEL, shortReason } from '../format/reasons';
import { cleanText, shortCommit, shortRepository } from '../../verify/format/text';
import type { TrustFinding } from '../../verify/history/types';
import { downgradeOf } from '../state/documentState';
import {
  findingsMark,
  groupResults,
  packagesWithFindings,
  shownFindings,
  type PackageGroup,
  type ScanOccurrence,
  type ScanResults,
  type StatusGroup,
} from './scanResults';

export const RESULTS_VIEW = 'provenanceLens.results';

type Node =
  | { kind: 'trust' }
  | { kind: 'status'; group: StatusGroup }
  | { kind: 'package'; group: PackageGroup; under: 'trust' | 'status' }
  | { kind: 'finding'; finding: TrustFinding; index: number; group: PackageGroup; under: 'trust' | 'status' }
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

const FINDING_ICON: Record<TrustFinding['severity'], [string, string]> = {
  error: ['error', 'problemsErrorIcon.foreground'],
  warning: ['warning', 'problemsWarningIcon.foreground'],
  information: ['info', 'problemsInfoIcon.foreground'],
  off: ['circle-slash', 'descriptionForeground'],
};

function findingIcon(severity: TrustFinding['severity']): vscode.ThemeIcon {
  const [id, color] = FINDING_ICON[severity] ?? FINDING_ICON.information;
  return new vscode.ThemeIcon(id, new vscode.ThemeColor(color));
}

/** A package with findings: the downgrade badge's colour for a downgrade, else its most severe finding's. */
function markedIcon(group: PackageGroup): vscode.ThemeIcon {
  const worst = shownFindings(group.findings)[0]!;
  const downgrade = downgradeOf({ level: 'unknown', line: '', findings: group.findings, history: true, notes: [] });
  return new vscode.ThemeIcon(
    'warning',
    new vscode.ThemeColor(downgrade ? 'provenanceLens.downgradeForeground' : FINDING_ICON[worst.severity][1]),
  );
}

export class ResultsTree implements vscode.TreeDataProvider<Node> {
  private results: ScanResults | undefined;
  private groups: StatusGroup[] = [];
  private flagged: PackageGroup[] = [];
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  set(results: ScanResults | undefined): void {
    this.results = results;
    this.refresh();
  }

  /** The shown results changed in place (trust history judged): group them again. */
  refresh(): void {
    this.groups = this.results ? groupResults(this.results.items) : [];
    this.flagged = packagesWithFindings(this.groups);
    this.changed.fire(undefined);
  }

  get(): ScanResults | undefined {
    return this.results;
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const groups: Node[] = this.groups.map((group) => ({ kind: 'status', group }));
      return this.results?.trust ? [{ kind: 'trust' }, ...groups] : groups;
    }
    if (node.kind === 'trust') return this.flagged.map((group) => ({ kind: 'package', group, under: 'trust' }));
    if (node.kind === 'status') return node.group.packages.map((group) => ({ kind: 'package', group, under: 'status' }));
    if (node.kind === 'package') {
      const findings: Node[] = node.group.findings.map((finding, index) => ({
        kind: 'finding',
        finding,
        index,
        group: node.group,
        under: node.under,
      }));
      const occurrences: Node[] =
        node.group.occurrences.length > 1
          ? node.group.occurrences.map((occurrence) => ({ kind: 'occurrence', occurrence, group: node.group }))
          : [];
      return [...findings, ...occurrences];
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'trust':
        return this.trustGroupItem();
      case 'finding': {
        const f = node.finding;
        const item = new vscode.TreeItem(f.code, vscode.TreeItemCollapsibleState.None);
        item.id = `finding:${node.under}:${node.group.verdict.status}:${node.group.id}:${node.index}:${f.code}:${f.severity}`;
        item.iconPath = findingIcon(f.severity);
        item.description = f.severity === 'off' ? 'off (not a problem)' : f.severity;
        item.tooltip = new vscode.MarkdownString().appendText(
          `${cleanText(f.message, 2000)}${f.severityNote ? `\n\nSeverity ${f.severity}: ${cleanText(f.severityNote, 500)}` : ''}`,
        );
        item.command = {
          command: 'provenanceLens.revealResult',
          title: 'Reveal',
          arguments: [node.group.occurrences[0], node.group.verdict.name, node.group.verdict.version],
        };
        item.contextValue = 'finding';
        return item;
      }
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
        const { verdict, occurrences, findings } = node.group;
        const mark = findingsMark(findings);
        const item = new vscode.TreeItem(
          cleanText(node.group.id, 200),
          occurrences.length > 1 || findings.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `package:${node.under}:${verdict.status}:${node.group.id}`;
        item.iconPath = mark ? markedIcon(node.group) : icon(verdict.status);
        const status =
          verdict.status === 'verified' && verdict.facts
            ? `${BADGE_GLYPH.verified} ${shortRepository(verdict.facts.sourceRepository)}@${shortCommit(verdict.facts.sourceCommit)}`
            : `${BADGE_GLYPH[verdict.status] ?? '?'} ${shortReason(verdict.reason?.code) || STATUS_LABEL[verdict.status] || ''}`;
        item.description = mark ? `${mark} · ${status}` : status;
        const shown = shownFindings(findings);
        item.tooltip = new vscode.MarkdownString().appendText(
          `${node.group.id}: ${STATUS_LABEL[verdict.status] ?? verdict.status}\n${cleanText(verdict.reason?.message ?? '', 500)}\n` +
            (shown.length ? `Trust history: ${shown.map((f) => `${f.code} (${f.severity})`).join(', ')}\n` : '') +
            occurrences.map((o) => this.where(o)).join('\n'),
        );
        item.command = {
          command: 'provenanceLens.revealResult',
          title: 'Reveal',
          arguments: [occurrences[0], verdict.name, verdict.version],
        };
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

  /** "Trust findings (n)": the packages with findings, and how far the judging is. */
  private trustGroupItem(): vscode.TreeItem {
    const trust = this.results!.trust!;
    const n = this.flagged.length;
    const item = new vscode.TreeItem(
      `Trust findings (${n})`,
      n ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = 'trust';
    item.contextValue = 'trust';
    const errors = this.flagged.filter((p) => p.findings[0]?.severity === 'error').length;
    item.iconPath = n
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor(errors ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground'))
      : new vscode.ThemeIcon('shield');
    const progress =
      trust.state === 'pending'
        ? `judging ${trust.judged} of ${trust.total}…`
        : trust.state === 'cancelled'
          ? `stopped after ${trust.judged} of ${trust.total}`
          : n
            ? ''
            : `none in ${trust.total} judged`;
    const noted = trust.policyNotApplied ? 'policy not applied' : trust.notes.length ? 'see notes' : '';
    item.description = [progress, noted].filter(Boolean).join(' · ') || undefined;
    item.tooltip = new vscode.MarkdownString().appendText(
      [
        'Trust history: each verified or unattested package compared with the earlier versions of its release line, with the policy of its folder.',
        ...trust.notes.map((note) => cleanText(note, 1000)),
      ].join('\n\n'),
    );
    return item;
  }

  private where(occurrence: ScanOccurrence): string {
    const file = occurrence.specSpan ? occurrence.manifestPath : (occurrence.lockfilePath ?? occurrence.manifestPath);
    return vscode.workspace.asRelativePath(file, true) || path.basename(file);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
