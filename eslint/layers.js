// The dependency rule of src/: which top-level folders each folder's code may import (docs/DEVELOPING.md,
// "Layers"). Enforced by the `fewbeat/layers` rule below, registered in eslint.config.js.
import { dirname, relative, resolve, sep } from 'node:path';

/** Folders every source file may import. */
const EVERYWHERE = ['errors', 'util'];

/** Folders whose code is plain TypeScript over typed arrays: they never import tfjs. */
const NO_TFJS = ['util', 'io', 'clinical', 'signal', 'synth', 'data', 'eval', 'serve'];

/**
 * What each folder of src/ may import besides itself and {@link EVERYWHERE}, lowest layer first.
 * `*` = any folder except `cli`, `bench` and `test-utils`. Test files (`*.test.ts`) may import any folder;
 * only tests and `test-utils` itself may import `test-utils` (left out of the build).
 */
export const LAYERS = {
  errors: [],
  util: [],
  runtime: [],
  clinical: [],
  io: ['clinical'],
  signal: ['io'],
  synth: ['signal', 'io', 'clinical'],
  data: ['io', 'signal', 'clinical'],
  models: ['runtime', 'data'],
  losses: ['models', 'runtime'],
  fewshot: ['models', 'data', 'clinical', 'io'],
  'model-dir': ['fewshot', 'models', 'data', 'clinical', 'io'],
  train: ['model-dir', 'fewshot', 'losses', 'models', 'runtime', 'data', 'clinical', 'io', 'signal', 'synth'],
  eval: ['train', 'model-dir', 'fewshot', 'losses', 'models', 'runtime', 'data', 'clinical', 'io', 'signal', 'synth'],
  archive: ['train', 'model-dir', 'fewshot', 'models', 'runtime', 'data', 'clinical', 'io', 'signal'],
  bench: [
    'archive',
    'train',
    'model-dir',
    'fewshot',
    'losses',
    'models',
    'runtime',
    'data',
    'clinical',
    'io',
    'signal',
    'synth',
  ],
  serve: ['*'],
  cli: ['*', 'bench'],
  'test-utils': ['*', 'cli', 'bench'],
};

/** The top-level folder of a path under `src` (a file directly in src/ counts as its own name: `errors`). */
function topFolder(src, file) {
  const parts = relative(src, file).split(sep);
  if (parts[0] === '..' || parts.length === 0) return null;
  return parts.length === 1 ? parts[0].replace(/\.[cm]?[jt]s$/, '') : parts[0];
}

function allowed(from, to) {
  if (from === to || EVERYWHERE.includes(to)) return true;
  const list = LAYERS[from];
  if (!list) return false;
  return list.includes(to) || (list.includes('*') && !['cli', 'bench', 'test-utils'].includes(to));
}

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'keep imports between src/ folders to the dependency rule of docs/DEVELOPING.md' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const src = resolve(root, 'src');
    const file = context.filename;
    const from = topFolder(src, file);
    if (from === null) return {};
    const isTest = /\.test\.[cm]?ts$/.test(file);
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('@tensorflow/') && NO_TFJS.includes(from) && !isTest) {
        context.report({
          node,
          message: `src/${from} is plain TypeScript over typed arrays: it may not import ${spec}`,
        });
        return;
      }
      if (!spec.startsWith('.')) return;
      const to = topFolder(src, resolve(dirname(file), spec));
      if (to === null) return;
      if (to === 'test-utils' && !isTest && from !== 'test-utils') {
        context.report({ node, message: `src/test-utils is left out of the build: only tests may import ${spec}` });
        return;
      }
      if (isTest || allowed(from, to)) return;
      context.report({
        node,
        message: `src/${from} may not import src/${to} (${spec}): see the layers in docs/DEVELOPING.md`,
      });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export const layersPlugin = { rules: { layers: layersRule } };
