// ESLint (typescript-eslint) for src/, __tests__/, scripts/ and bench/; formatting is Prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        __filename: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Control characters are matched on purpose (XML 1.0 filtering, terminal escapes).
      'no-control-regex': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[importKind!='type'][source.value='zod/mini'] > ImportSpecifier",
          message: "use `import * as z from 'zod/mini'` (a named import defeats tree-shaking)",
        },
        {
          selector: 'ObjectExpression > Property[kind=/^(get|set)$/]',
          message:
            'use a class with a getter: V8 builds an object literal with accessors in the old generation, where it keeps every object it refers to through minor GCs (the spawn outcome promoted a fifth of each plan that way)',
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['__tests__/**'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
);
