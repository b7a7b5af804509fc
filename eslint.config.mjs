// ESLint flat config: typescript-eslint's recommended rules, plus the layering rules of
// docs/architecture.md (the engine never imports the editor; the CLI never imports the editor).
// Run with `npm run lint`. Formatting is Prettier's job (`npm run format:check`), not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** `vscode` exists only inside the editor's extension host. */
const NO_VSCODE = { name: 'vscode', message: 'Only src/extension.ts and src/providers/** may import vscode (see docs/architecture.md).' };

/**
 * Relative imports that reach a folder of another layer. Sources are import strings as written
 * (`../../providers/lens`), so the patterns match a `providers`, `extension` or `cli` segment reached
 * by going up (`../`) at least once: from inside src/verify or src/cli that can only be src/<that>.
 */
const upTo = (folder) => `^(\\.\\./)+${folder}(/|$)`;

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'test/fixtures/**', 'demo/workspace/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
  {
    // A function a newcomer can read in one go (describe/it blocks in tests are exempt: files not under src).
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    // The e2e suite hands callbacks to the browser (page.evaluate): they run against the DOM, whose types
    // this Node project's tsconfig does not load, so their element parameters are `any` on purpose.
    files: ['test/e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The engine: shared by the CLI and the editor, so it knows neither.
    files: ['src/verify/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE],
          patterns: [
            { regex: upTo('providers'), message: 'The engine (src/verify) must not import the editor (src/providers).' },
            { regex: upTo('extension'), message: 'The engine (src/verify) must not import the editor (src/extension).' },
            { regex: upTo('cli'), message: 'The engine (src/verify) must not import the CLI (src/cli).' },
          ],
        },
      ],
    },
  },
  {
    // The CLI: the engine plus a terminal; no editor.
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ ...NO_VSCODE, message: 'The CLI (src/cli) runs without an editor: no vscode import (see docs/architecture.md).' }],
          patterns: [
            { regex: upTo('providers'), message: 'The CLI (src/cli) must not import the editor (src/providers).' },
            { regex: upTo('extension'), message: 'The CLI (src/cli) must not import the editor (src/extension).' },
          ],
        },
      ],
    },
  },
);
