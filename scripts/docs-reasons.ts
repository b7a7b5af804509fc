// Rewrites the README's reason-code and finding-code tables from src/verify/reasons/catalogue.ts.
// Usage: npm run docs:reasons   (test/unit/reasons/readme.test.ts fails while the README is out of date)
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeBlocks } from '../src/verify/reasons/readme';

const file = path.join(__dirname, '..', 'README.md');
const before = readFileSync(file, 'utf8');
const after = writeBlocks(before);
if (after === before) console.log('README.md is up to date.');
else {
  writeFileSync(file, after);
  console.log('README.md: reason-code and finding-code tables rewritten.');
}
