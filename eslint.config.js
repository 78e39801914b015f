// ESLint (flat config): typescript-eslint's recommended rules, import cycles refused, and the layers
// kept: `common/` (with `config/` and `logging/`) is the bottom of the gateway and imports nothing
// above it; `access/` decides on facts and imports only the bottom layer and the models it decides
// over. Formatting is Prettier's (`npm run format:check`), so no stylistic rules here.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Domain folders under src/: what `common/` and `access/` may not import from. */
const DOMAINS = ['audit', 'catalog', 'certificates', 'consent', 'console', 'database', 'exchange', 'health', 'identity', 'instance', 'seed'];

const ACCESS_MESSAGE =
  'access/ decides on facts handed to it: it may import common/ and the models it decides over (matter definitions, the principal), never a service or a store.';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '.data/**', 'test/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    plugins: { 'import-x': importX },
    languageOptions: { globals: { ...globals.node } },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json', 'console/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Input validators refuse control characters on purpose, with regular expressions that name them.
      'no-control-regex': 'off',
      // Nest's module, resolver and metadata APIs take classes as `Function` (its own `Type` extends it),
      // and the catalog builds resolver classes at start-up.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // The layers. Tests of these folders may reach up to build their fixtures; the code may not.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/common',
              from: './src',
              except: ['./common', './config', './logging'],
              message: 'common/ is the bottom layer: it may import only common/, config/ and logging/.',
            },
            {
              target: './src/access',
              from: DOMAINS.filter((domain) => domain !== 'catalog' && domain !== 'identity').map((domain) => `./src/${domain}`),
              message: ACCESS_MESSAGE,
            },
            {
              target: './src/access',
              from: './src/catalog',
              except: ['./matter-definition.ts', './matter-terms.ts', './matter-parties.ts'],
              message: ACCESS_MESSAGE,
            },
            { target: './src/access', from: './src/identity', except: ['./principal.ts'], message: ACCESS_MESSAGE },
          ],
        },
      ],
    },
  },
  {
    // Tests read GraphQL answers and fixtures of any shape.
    files: ['test/**/*.ts', '**/*.spec.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['console/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  prettier,
);
