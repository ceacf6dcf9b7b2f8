// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import boundaries from './scripts/eslint-boundaries.js';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      'src/generated/',
      'src/upstream/supplychain/generated/',
      'web/dist/',
      'web/src/board/gql/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: globals.node } },
  { files: ['web/src/**/*.ts', 'web/src/**/*.tsx'], languageOptions: { globals: globals.browser } },
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Only src/config.ts reads process.env; pass the config down.',
        },
        {
          selector:
            'ImportDeclaration[source.value=/config\\.js$/] > ImportSpecifier[imported.name=/^(readConfig|loadConfig)$/]',
          message: 'Only the entry point reads the config; take it as a parameter.',
        },
      ],
      // The layers of docs/design.md, at any depth of each folder, and no import cycle.
      'boundaries/layers': 'error',
      'boundaries/no-cycle': 'error',
    },
  },
  { files: ['src/config.ts'], rules: { 'no-restricted-syntax': 'off' } },
  {
    files: ['src/main.ts', 'src/app.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Only src/config.ts reads process.env; pass the config down.',
        },
      ],
    },
  },
  {
    files: ['src/graph/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '**/upstream/supplychain/*', '**/upstream/clients.js'],
              message: 'Resolvers never call a client: go through context.loaders or the live hub.',
            },
          ],
        },
      ],
    },
  },
);
