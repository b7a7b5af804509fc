/**
 * Pieces of a stand-in `vscode` module for the tests that load the extension without VS Code
 * (activation.test.ts, lazyEngine.test.ts).
 */

type AnyFn = (...args: unknown[]) => unknown;

/**
 * An object on which every property, call and construction yields another such object; `overrides`
 * gives some properties a value (and keeps what is assigned).
 */
export function anything(overrides: Record<string | symbol, unknown> = {}): unknown {
  const cache = new Map<string | symbol, unknown>();
  return new Proxy(function () {} as unknown as AnyFn, {
    get(_t, key) {
      if (key in overrides) return overrides[key];
      if (key === 'then') return undefined;
      if (key === Symbol.iterator) return function* () {};
      if (key === Symbol.toPrimitive) return () => '';
      if (!cache.has(key)) cache.set(key, anything());
      return cache.get(key);
    },
    set(_t, key, value) {
      overrides[key] = value;
      return true;
    },
    apply: () => anything(),
    construct: () => anything() as object,
  });
}

/** The `vscode` classes, enums and namespaces the extension uses that a test need not shape itself. */
const STAND_IN_NAMES = [
  'CodeAction',
  'CodeActionKind',
  'CompletionItem',
  'CompletionItemKind',
  'CompletionItemTag',
  'CompletionList',
  'DecorationRangeBehavior',
  'Diagnostic',
  'DiagnosticSeverity',
  'Disposable',
  'Hover',
  'MarkdownString',
  'Position',
  'ProgressLocation',
  'Range',
  'StatusBarAlignment',
  'ThemeColor',
  'ThemeIcon',
  'TreeItem',
  'TreeItemCollapsibleState',
  'Uri',
  'WorkspaceEdit',
  'env',
  'extensions',
];

/**
 * A plain object (`import * as vscode` and esbuild's bundle copy the module's own keys) with an
 * anything() for each of STAND_IN_NAMES and for `extra`.
 */
export function standIns(extra: readonly string[] = []): Record<string, unknown> {
  return Object.fromEntries([...STAND_IN_NAMES, ...extra].map((name) => [name, anything()]));
}
