// Badge colours as the user sees them: the computed colour of each after-decoration on an editor line.
// The project compiles without the DOM lib, so page objects are `any`; the page-side function is
// self-contained (it is serialized into the page).
import type { Workbench } from '../harness';

declare const getComputedStyle: any;

export interface RenderedBadge {
  text: string;
  /** CSS colour as computed, e.g. "rgb(46, 125, 50)". */
  color: string;
}

function readBadges(lineEl: any): { text: string; color: string }[] {
  const out: { text: string; color: string }[] = [];
  for (const span of Array.from(lineEl.querySelectorAll('span')) as any[]) {
    const style = getComputedStyle(span, '::after');
    const content = String(style.content);
    if (!content || content === 'none' || content === 'normal' || content === '""') continue;
    const m = /^"(.*)"$/s.exec(content);
    out.push({ text: (m ? m[1] : content).replace(/\\(.)/g, '$1').replace(/\u00a0/g, ' '), color: String(style.color) });
  }
  return out;
}

/** The badges (after-decorations) rendered on the first line containing `line`. */
export async function badgesOn(wb: Workbench, line: string): Promise<RenderedBadge[]> {
  const el = await wb.revealLine(line);
  return el.evaluate(readBadges);
}

export function rgb(color: string): [number, number, number] {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
  if (!m) throw new Error(`not an rgb() colour: ${color}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Rough hue classes, enough to tell the statuses apart on a light theme. */
export function colourClass(color: string): 'green' | 'red' | 'amber' | 'grey' | 'other' {
  const [r, g, b] = rgb(color);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max - min < 40) return 'grey';
  if (g > r && g > b) return 'green';
  if (r > g * 2 && r > b * 2) return 'red';
  if (r >= g && g > b * 1.5) return 'amber';
  return 'other';
}

declare const document: any;

function resolveThemeColour(variable: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${variable})`;
  (document.querySelector('.monaco-workbench') ?? document.body).appendChild(probe);
  const color = String(getComputedStyle(probe).color);
  probe.remove();
  return color;
}

/**
 * A theme colour as the workbench renders it (computed, e.g. "rgb(191, 136, 3)"): VS Code publishes every
 * registered colour, the extension's contributed ones included, as `--vscode-<id with . as ->`.
 */
export async function themeColour(wb: Workbench, id: string): Promise<string> {
  const variable = `--vscode-${id.replace(/\./g, '-')}`;
  const defined = await wb.page.evaluate(
    (v: string) => String(getComputedStyle(document.querySelector('.monaco-workbench') ?? document.body).getPropertyValue(v)).trim(),
    variable,
  );
  if (!defined) throw new Error(`the theme defines no ${variable}`);
  return wb.page.evaluate(resolveThemeColour, variable);
}
