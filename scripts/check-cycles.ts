// Import cycles among the TypeScript files under src/ (type-only imports count: they tie modules
// together just the same). Prints each cycle and exits 1 when there is one. Usage: npm run check:cycles [-- dir]
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The file a relative specifier names (`./x` → x.ts or x/index.ts), or undefined for a package. */
function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((p) => p.endsWith('.ts') && fs.existsSync(p));
}

/** Every import cycle among the .ts files under `root` (paths relative to its parent), and how many files were read. */
export function findCycles(root: string): { files: number; cycles: string[][] } {
  const graph = new Map<string, string[]>();
  for (const file of files(root)) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const deps = info.importedFiles.map((f) => resolve(file, f.fileName)).filter((f): f is string => f !== undefined);
    graph.set(file, [...new Set(deps)]);
  }

  // Tarjan's strongly connected components: every component of more than one file (or a file importing itself) is a cycle.
  let index = 0;
  const stack: string[] = [];
  const meta = new Map<string, { index: number; low: number; onStack: boolean }>();
  const cycles: string[][] = [];
  function visit(v: string): void {
    meta.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      const mw = meta.get(w);
      if (!mw) {
        visit(w);
        meta.get(v)!.low = Math.min(meta.get(v)!.low, meta.get(w)!.low);
      } else if (mw.onStack) meta.get(v)!.low = Math.min(meta.get(v)!.low, mw.index);
    }
    const mv = meta.get(v)!;
    if (mv.low !== mv.index) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      meta.get(w)!.onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v))
      cycles.push(component.map((f) => path.relative(path.dirname(root), f)).sort());
  }
  for (const v of graph.keys()) if (!meta.has(v)) visit(v);
  return { files: graph.size, cycles };
}

if (require.main === module) {
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'src'));
  const { files: count, cycles } = findCycles(root);
  if (cycles.length === 0) console.log(`No import cycles among ${count} files in ${path.relative(process.cwd(), root) || '.'}.`);
  else {
    for (const c of cycles) console.log(`cycle (${c.length} files):\n  ${c.join('\n  ')}`);
    process.exitCode = 1;
  }
}
