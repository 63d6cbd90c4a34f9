// ESLint over the TypeScript of the app, the local host, the benchmarks and the tests (the portal has
// its own config): typescript-eslint's recommended rules, with the ones that need type information.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of shared/ (README "Architecture"): feature folders side by side, each importing only
// downwards; nothing below a feature imports one. A folder's own files import each other freely.
const features = ['admin', 'pipeline', 'reports', 'survey', 'roster'];
const below = ['work', 'storage', 'insights', 'auth', 'config', 'domain'];
const importsFrom = (folders) => folders.map((folder) => `../${folder}/*`);
const layerRule = (message, folders) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: importsFrom(folders), message }] }] });
const layers = [
  ...features.map((feature) => ({
    files: [`shared/${feature}/**/*.ts`],
    rules: layerRule('A feature folder imports only downwards (work, storage, insights, auth, config, domain), never another feature.', features.filter((f) => f !== feature)),
  })),
  { files: ['shared/work/**/*.ts'], rules: layerRule('shared/work sits below the features: it imports storage, auth, config and domain only.', [...features, 'insights', 'http']) },
  { files: ['shared/storage/**/*.ts'], rules: layerRule('shared/storage imports only domain and config.', [...features, 'work', 'insights', 'auth', 'http']) },
  { files: ['shared/insights/**/*.ts', 'shared/auth/**/*.ts', 'shared/config/**/*.ts'], rules: layerRule('Adapters and settings import only each other and domain.', [...features, 'work', 'storage', 'http']) },
  { files: ['shared/domain/**/*.ts'], rules: layerRule('The domain is pure: it imports nothing of the app.', below.filter((f) => f !== 'domain').concat(features, 'http', 'health')) },
];

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
  ...layers,
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
