import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findCycles } from '../../../scripts/check-cycles';

describe('architecture: import cycles', () => {
  it('src/ has none (npm run check:cycles names them)', () => {
    const { files, cycles } = findCycles(path.resolve(__dirname, '../../../src'));
    assert.ok(files > 100, `only ${files} files read`);
    assert.deepEqual(cycles, []);
  });

  it('finds a cycle through a type-only import and an index file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-cycles-'));
    try {
      fs.mkdirSync(path.join(dir, 'src', 'b'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'src', 'a.ts'), "import type { B } from './b';\nexport type A = B;\n");
      fs.writeFileSync(path.join(dir, 'src', 'b', 'index.ts'), "import { c } from './c';\nexport type B = typeof c;\n");
      fs.writeFileSync(path.join(dir, 'src', 'b', 'c.ts'), "import type { A } from '../a';\nexport const c = 1 as unknown as A;\n");
      fs.writeFileSync(path.join(dir, 'src', 'd.ts'), "import * as path from 'node:path';\nexport const d = path.sep;\n");
      assert.deepEqual(findCycles(path.join(dir, 'src')).cycles, [['src/a.ts', 'src/b/c.ts', 'src/b/index.ts']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
