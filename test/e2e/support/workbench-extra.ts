// User-level actions the Workbench class does not have (yet): the suggest widget, the simple
// save dialog, the Output panel, the Source Action menu and the cursor position in the status bar.
import { waitFor, type Workbench } from '../harness';

export interface CompletionEntry {
  /** The item's label, e.g. "2.0.0". */
  label: string;
  /** The accessible label: "<label>, <description>, <kind>". */
  ariaLabel: string;
}

const SUGGEST_ROWS = '.editor-widget.suggest-widget.visible .monaco-list-row';

/** Triggers completion (Ctrl+Space) where the cursor is and returns the items, in display order. */
export async function completionItems(wb: Workbench): Promise<CompletionEntry[]> {
  const p = wb.page;
  const rows = p.locator(SUGGEST_ROWS);
  if (
    await rows
      .first()
      .isVisible()
      .catch(() => false)
  )
    await p.keyboard.press('Escape');
  await p.keyboard.press('Control+Space');
  await rows.first().waitFor({ state: 'visible', timeout: 5_000 });
  // The widget shows "Loading..." until every provider answered: wait until no row says so.
  await waitFor(
    async () =>
      !(await p
        .locator('.editor-widget.suggest-widget.visible .message')
        .isVisible()
        .catch(() => false)),
    { timeout: 5_000 },
  );
  const items = await rows.evaluateAll((els) =>
    els.map((e: any) => ({
      index: Number(e.getAttribute('data-index')),
      label: String(e.querySelector('.label-name')?.textContent ?? '').trim(),
      ariaLabel: String(e.getAttribute('aria-label') ?? ''),
    })),
  );
  return items.sort((a, b) => a.index - b.index).map(({ label, ariaLabel }) => ({ label, ariaLabel: ariaLabel.replace(/\u00a0/g, ' ') }));
}

/** Closes the suggest widget if it is open. */
export async function closeCompletion(wb: Workbench): Promise<void> {
  if (
    await wb.page
      .locator(SUGGEST_ROWS)
      .first()
      .isVisible()
      .catch(() => false)
  )
    await wb.page.keyboard.press('Escape');
}

/** The active editor's cursor as the status bar shows it ("Ln 13, Col 20 (7 selected)"). */
export async function cursorPosition(wb: Workbench): Promise<{ line: number; column: number; selected: number; text: string }> {
  const item = (await wb.statusBar()).find((i) => i.id === 'status.editor.selection');
  if (!item) throw new Error('no cursor position in the status bar');
  const m = /Ln (\d+), Col (\d+)(?: \((\d+) selected\))?/.exec(item.text);
  if (!m) throw new Error(`cursor position: ${item.text}`);
  return { line: Number(m[1]), column: Number(m[2]), selected: Number(m[3] ?? 0), text: item.text };
}

/** In an open quick pick, clicks the row whose label is `label`. */
export async function pickQuickItem(wb: Workbench, label: string): Promise<string[]> {
  const qi = wb.page.locator('.quick-input-widget');
  const rows = qi.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
  const labels = (await rows.locator('.label-name').allTextContents()).map((t) => t.trim());
  const i = labels.indexOf(label);
  if (i < 0) throw new Error(`no "${label}" in the quick pick: [${labels.join(' | ')}]`);
  await rows.nth(i).click();
  return labels;
}

/**
 * Answers VS Code's save dialog. code-server uses the "simple file dialog": a quick input whose box
 * titled `title` holds the proposed path; the user types a path and presses Enter. Returns the proposed path.
 */
export async function answerSaveDialog(wb: Workbench, file: string, title: string): Promise<{ proposed: string }> {
  const qi = wb.page.locator('.quick-input-widget');
  const input = qi.locator('.quick-input-box input').first();
  // The quick input that asked before (e.g. a format pick) may still be on screen: wait for the dialog's title.
  let seen = '';
  await waitFor(
    async () => {
      seen = (
        await qi
          .locator('.quick-input-title')
          .innerText()
          .catch(() => '')
      ).trim();
      return (await input.isVisible()) && seen === title;
    },
    { timeout: 10_000, message: `the save dialog "${title}"` },
  ).catch((e: Error) => {
    throw new Error(`${e.message}; quick input title: "${seen}"`);
  });
  // The simple file dialog fills its box in steps (the folder first, then the proposed file name):
  // the proposal is what it holds once it names a file and stays the same across two reads.
  let last = '';
  const proposed = await waitFor(
    async () => {
      const value = await input.inputValue();
      const settled = value && !/[\\/]$/.test(value) && value === last;
      last = value;
      return settled ? value : undefined;
    },
    { timeout: 10_000, interval: 150, message: 'the proposed path' },
  );
  // The dialog lists the folder asynchronously and then sets the box again: type once it has.
  await qi.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 10_000 });
  await waitFor(
    async () => {
      if ((await input.inputValue()) !== file) await input.fill(file);
      return (await input.inputValue()) === file;
    },
    { timeout: 5_000, message: `typing ${file} into the save dialog` },
  );
  await wb.page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
  return { proposed };
}

/** The Output panel: the channel its picker shows and the text of its editor (wrapped lines joined). */
export async function outputPanel(wb: Workbench): Promise<{ channel: string; text: string }> {
  const panel = wb.page.locator('.part.panel');
  const channel = await panel
    .locator('select.monaco-select-box')
    .first()
    .evaluate((s: any) => String(s.options[s.selectedIndex]?.text ?? ''))
    .catch(() => '');
  const lines = await panel
    .locator('.monaco-editor .view-lines .view-line')
    .evaluateAll((els) => els.map((e: any) => ({ top: parseFloat(e.style.top) || 0, text: String(e.textContent ?? '') })));
  const text = lines
    .sort((a, b) => a.top - b.top)
    .map((l) => l.text.replace(/\u00a0/g, ' '))
    .join('');
  return { channel, text };
}

/** Titles in the open action menu (Ctrl+. or Source Action...), headers excluded. */
export async function actionMenu(wb: Workbench): Promise<string[]> {
  const rows = wb.page.locator('.action-widget .monaco-list-row.action');
  await rows.first().waitFor({ state: 'visible', timeout: 5_000 });
  return (await rows.locator('.title').allTextContents()).map((t) => t.replace(/\u00a0/g, ' ').trim());
}
