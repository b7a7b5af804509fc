// Functions that run inside the VS Code page (serialized by page.evaluate /
// locator.evaluate). They must be self-contained: no imports, no closures over
// module variables. The project compiles without the DOM lib, so page objects
// are typed `any` here.

declare const document: any;
declare const getComputedStyle: any;
declare const NodeFilter: any;

/** Center (viewport coordinates) of `token` inside a Monaco `.view-line`; first non-blank char when token is null. */
export function tokenCenter(lineEl: any, arg: { token: string | null; occurrence: number }): { x: number; y: number } | null {
  const walker = document.createTreeWalker(lineEl, NodeFilter.SHOW_TEXT);
  const nodes: { node: any; start: number }[] = [];
  let full = '';
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    nodes.push({ node: n, start: full.length });
    full += String(n.nodeValue).replace(/\u00a0/g, ' ');
  }
  let index: number;
  let length: number;
  if (arg.token === null) {
    index = full.search(/\S/);
    length = 1;
  } else {
    index = -1;
    let from = 0;
    for (let k = 0; k <= arg.occurrence; k++) {
      index = full.indexOf(arg.token, from);
      if (index < 0) break;
      from = index + 1;
    }
    length = arg.token.length;
  }
  if (index < 0) return null;
  // The middle character of the token.
  const mid = index + Math.floor((length - 1) / 2);
  const holder = nodes.filter((e) => e.start <= mid).pop();
  if (!holder) return null;
  const range = document.createRange();
  range.setStart(holder.node, mid - holder.start);
  range.setEnd(holder.node, mid - holder.start + 1);
  const r = range.getBoundingClientRect();
  return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
}

/** Contents of a visible `.monaco-hover`. */
export function readHover(el: any): {
  text: string;
  sections: string[];
  links: { text: string; href: string }[];
  actions: string[];
  html: string;
} {
  const rows = Array.from(el.querySelectorAll('.hover-row')) as any[];
  const contentRows = rows.filter((r) => !r.classList.contains('status-bar'));
  const sections = (contentRows.length ? contentRows : [el])
    .map((r) => {
      const c = r.querySelector('.hover-row-contents') ?? r.querySelector('.hover-contents') ?? r;
      return String(c.innerText ?? c.textContent ?? '').trim();
    })
    .filter((t) => t.length > 0);
  const links = (Array.from(el.querySelectorAll('a')) as any[])
    .map((a) => ({ text: String(a.textContent ?? '').trim(), href: String(a.getAttribute('data-href') ?? a.getAttribute('href') ?? '') }))
    .filter((l) => l.href && l.href !== '#');
  const actions = (Array.from(el.querySelectorAll('.hover-row.status-bar .action-container .action, .hover-row.status-bar a')) as any[])
    .map((a) => String(a.textContent ?? '').trim())
    .filter((t) => t.length > 0);
  const content = el.querySelector('.monaco-hover-content') ?? el;
  return { text: sections.join('\n\n'), sections, links, actions, html: String(content.innerHTML) };
}

/** Text, ::before/::after contents and inlay hints rendered in a Monaco `.view-line`. */
export function lineDecorations(lineEl: any): { text: string; pseudo: string[]; inlayHints: string[] } {
  const unquote = (c: string): string | null => {
    if (!c || c === 'none' || c === 'normal' || c === '""') return null;
    const m = /^"(.*)"$/s.exec(c);
    return (m ? m[1] : c).replace(/\\(.)/g, '$1');
  };
  const pseudo: string[] = [];
  const inlay: string[] = [];
  for (const span of Array.from(lineEl.querySelectorAll('span')) as any[]) {
    for (const which of ['::before', '::after']) {
      const v = unquote(String(getComputedStyle(span, which).content));
      if (v !== null && v.trim()) pseudo.push(v);
    }
    // VS Code 1.139 renders inlay hints as injected text: leaf spans styled by
    // dynamic rules (class "dyn-rule-N-M"), the label as their text; padding
    // is an empty sibling span.
    const cls = String(span.className ?? '');
    if (/\bdyn-rule-|\binlay/i.test(cls) && span.children.length === 0) {
      const t = String(span.textContent ?? '')
        .replace(/\u00a0/g, ' ')
        .trim();
      if (t) inlay.push(t);
    }
  }
  return { text: String(lineEl.textContent ?? ''), pseudo, inlayHints: inlay };
}

export interface QuickInputRowInfo {
  index: number;
  aria: string;
  label: string;
}

export function readQuickInputRows(els: any[]): QuickInputRowInfo[] {
  return els.map((e) => ({
    index: Number(e.getAttribute('data-index')),
    aria: String(e.getAttribute('aria-label') ?? ''),
    label: String((e.querySelector('.label-name') ?? e.querySelector('.monaco-icon-label'))?.textContent ?? '').trim(),
  }));
}

export interface ProblemRowInfo {
  index: number;
  aria: string;
  file: string;
  severity: string;
  message: string;
  source: string;
  code: string;
  line: number | null;
  column: number | null;
}

/** Rows of the Problems panel tree: file rows (file set) and marker rows (severity set); related-info rows have neither. */
export function readProblemRows(els: any[]): ProblemRowInfo[] {
  return els.map((e) => {
    const text = (sel: string) => String(e.querySelector(sel)?.textContent ?? '').trim();
    const icon = e.querySelector('.marker-icon');
    let severity = '';
    if (icon) {
      for (const s of ['error', 'warning', 'info', 'hint']) if (icon.classList.contains(s)) severity = s;
    }
    const fileLabel = e.querySelector('.resource-label-container .monaco-icon-label');
    const pos = /Ln (\d+), Col (\d+)/.exec(text('.marker-line'));
    return {
      index: Number(e.getAttribute('data-index')),
      aria: String(e.getAttribute('aria-label') ?? ''),
      file: fileLabel ? String(fileLabel.getAttribute('aria-label') ?? fileLabel.textContent ?? '') : '',
      severity,
      message: text('.marker-message'),
      source: text('.marker-source'),
      code: text('.marker-code'),
      line: pos ? Number(pos[1]) : null,
      column: pos ? Number(pos[2]) : null,
    };
  });
}

export interface TreeRowInfo {
  index: number;
  aria: string;
  label: string;
  description: string;
  level: number;
  expanded: boolean | null;
  title: string;
}

export function readTreeRows(els: any[]): TreeRowInfo[] {
  return els.map((e) => {
    const exp = e.getAttribute('aria-expanded');
    const labelEl = e.querySelector('.monaco-icon-label');
    return {
      index: Number(e.getAttribute('data-index')),
      aria: String(e.getAttribute('aria-label') ?? ''),
      label: String(e.querySelector('.label-name')?.textContent ?? '').trim(),
      description: String(e.querySelector('.label-description')?.textContent ?? '').trim(),
      level: Number(e.getAttribute('aria-level') ?? 1),
      expanded: exp === null ? null : exp === 'true',
      title: String(labelEl?.getAttribute('title') ?? ''),
    };
  });
}
