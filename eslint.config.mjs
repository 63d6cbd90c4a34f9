// ESLint over the TypeScript of the app, the local host, the benchmarks and the tests (the portal has
// its own config): typescript-eslint's recommended rules, with the ones that need type information.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'portal/**', 'node_modules/**', '.bench/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `const { etag, ...value } = entity` leaves out what it names: that is its point.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
      // `async` is how a function says it returns a promise (a handler, an interface's method); it
      // needs no `await` for that, and a thrown error still becomes a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests and benchmarks are the API's clients: they read JSON response bodies field by field and
    // assert on them. Typing every body would only restate the OpenAPI document, which
    // test/support/response-contract.ts checks every body the tests receive against.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
