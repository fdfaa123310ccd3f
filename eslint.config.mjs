// Lint: ESLint's and typescript-eslint's recommended rules, the type-aware promise rules, the React
// hooks rules, and the project's layering (DESIGN.md, STYLE.md) as restricted imports per folder,
// so a bad import fails naming the rule and the layer.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import { builtinModules } from 'node:module'
import tseslint from 'typescript-eslint'

const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

// Folders a relative import can climb into. A specifier reaches another layer when it climbs out of
// its own (`../`) and names that layer's folder.
const LAYER_REGEX = {
  main: String.raw`^(\.\./)+main(/|$)`,
  preload: String.raw`^(\.\./)+preload(/|$)`,
  renderer: String.raw`^(\.\./)+renderer(/|$)`,
  service: String.raw`^(\.\./)+service(/|$)`,
  cli: String.raw`^(\.\./)+cli(/|$)`,
  'web/server': String.raw`^(\.\./)+(web/)?server(/|$)`,
  'web/client': String.raw`^(\.\./)+(web/)?client(/|$)`,
  web: String.raw`^(\.\./)+web(/|$)`,
  shared: String.raw`^(\.\./)+shared(/|$)`,
}

/**
 * One layer: the folder it covers, the layers of ours it must not import, and whether Electron and
 * Node's builtins are off limits. Every message names the layer and the rule it breaks.
 */
function restrictions(name, { notLayers = [], noElectron = true, noNode = false, onlyPackages = null }) {
  const patterns = notLayers.map((other) => ({
    regex: LAYER_REGEX[other],
    message: `layer rule: src/${name} must not import src/${other} (see the layer table in eslint.config.mjs).`,
  }))
  const paths = []
  if (noElectron) {
    paths.push({
      name: 'electron',
      message: `layer rule: src/${name} must not import electron: only src/main and src/preload may.`,
    })
  }
  if (noNode) {
    for (const builtin of NODE_BUILTINS) {
      paths.push({
        name: builtin,
        message: `layer rule: src/${name} runs without Node: it must not import Node's ${builtin}.`,
      })
    }
  }
  if (onlyPackages) {
    patterns.push({
      regex: `^(?!\\.|${onlyPackages.join('|')}$)`,
      message: `layer rule: src/${name} may import only ${onlyPackages.join(', ')} and src/shared.`,
    })
  }
  return { paths, patterns }
}

function layer(name, files, options) {
  return { name: `layers/${name}`, files, rules: { 'no-restricted-imports': ['error', restrictions(name, options)] } }
}

const RENDERER = { notLayers: ['main', 'preload', 'service', 'cli', 'web/server'], noNode: true }

/** A renderer folder tested under Node (the model, the painters): no DOM, no React. */
function pureRendererFolder(folder) {
  const message = (name) => `layer rule: src/renderer/${folder} is pure (tested under Node): no ${name}.`
  const imports = restrictions('renderer', RENDERER)
  imports.patterns.push({ regex: '^react', message: message('React') })
  return {
    name: `layers/renderer-${folder}`,
    files: [`src/renderer/${folder}/**/*.ts`],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'requestAnimationFrame', 'HTMLElement', 'HTMLCanvasElement'].map((name) => ({
          name,
          message: message(name),
        })),
      ],
      'no-restricted-imports': ['error', imports],
    },
  }
}

const SRC_LAYERS = ['shared', 'preload', 'main', 'service', 'renderer', 'web/client', 'web/server', 'cli']

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'target/',
      'test-results/',
      'playwright-report/',
      'e2e-artifacts/',
      'reports/',
      '.stryker-tmp/',
      'native/index.js',
      'native/index.d.ts',
      '**/*.d.mts',
      '**/*.d.cts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Promises nobody awaits lose their errors: the bugs these rules catch are the ones that
      // surface as an unhandled rejection in a user's session.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain Node scripts are in no tsconfig: lint them without type information.
    files: ['**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Benchmarks hand functions to page.evaluate: they run in the browser.
    files: ['bench/*.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'src/web/client/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.tsx', 'src/renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  // The layer table. shared depends on nothing of ours; preload on electron and shared; the renderer
  // and the browser client on shared only (never Electron or Node); the service, web host and CLI
  // never on Electron or on the Electron glue; main is the glue and may use the service.
  layer('shared', ['src/shared/**'], {
    notLayers: ['main', 'preload', 'renderer', 'service', 'cli', 'web'],
    noNode: true,
  }),
  layer('preload', ['src/preload/**'], {
    notLayers: ['main', 'renderer', 'service', 'cli', 'web'],
    noElectron: false,
    noNode: true,
    onlyPackages: ['electron'],
  }),
  layer('renderer', ['src/renderer/**'], RENDERER),
  layer('web/client', ['src/web/client/**'], {
    notLayers: ['main', 'preload', 'renderer', 'service', 'cli', 'web/server'],
    noNode: true,
  }),
  layer('service', ['src/service/**'], { notLayers: ['main', 'preload', 'renderer', 'cli', 'web'] }),
  layer('web/server', ['src/web/server/**'], {
    notLayers: ['main', 'preload', 'renderer', 'cli', 'web/client'],
  }),
  layer('cli', ['src/cli/**'], { notLayers: ['main', 'preload', 'renderer', 'web'] }),
  layer('main', ['src/main/**'], { notLayers: ['renderer', 'cli', 'web'], noElectron: false }),
  {
    // One module reads the host's global: every other renderer file gets the API from bridge.ts,
    // so the renderer cannot tell which host it runs under.
    name: 'layers/renderer-window',
    files: ['src/renderer/**/*.{ts,tsx}'],
    ignores: ['src/renderer/bridge.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'layer rule: only src/renderer/bridge.ts touches window (the host API).' },
      ],
    },
  },
  // The model and the painters are tested under Node: no DOM, no React.
  pureRendererFolder('model'),
  pureRendererFolder('paint'),
  {
    // A new folder must be placed in the layer table before it can hold code (as VS Code's
    // layering lint does): otherwise nothing would check what it imports.
    name: 'layers/unclassified',
    files: ['src/**/*.{ts,tsx,mts}'],
    ignores: SRC_LAYERS.map((l) => `src/${l}/**`),
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Program',
          message: 'layer rule: this folder of src/ is not in the layer table (eslint.config.mjs).',
        },
      ],
    },
  },
)
