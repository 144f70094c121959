// Flat ESLint config: recommended JS + typescript-eslint rules over the sources and scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { layersPlugin } from './eslint/layers.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'coverage/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  // The web app runs in the browser.
  { files: ['web/src/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
  {
    // The dependency rule of src/ folders (docs/DEVELOPING.md, "Layers"): a wrong import fails lint.
    files: ['src/**/*.ts'],
    plugins: { fewbeat: layersPlugin },
    rules: { 'fewbeat/layers': ['error', { root: import.meta.dirname }] },
  },
  {
    // Lines of at most 120 characters, comments and strings included (URLs excepted), in every file.
    files: ['**/*.{ts,js,mjs}'],
    rules: { 'max-len': ['error', { code: 120, ignoreUrls: true }] },
  },
);
