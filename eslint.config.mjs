// ESLint flat config: typescript-eslint's recommended type-checked rules, with the changes below.
// Formatting is Prettier's job (`npm run format:check`); eslint-config-prettier comes last so no rule here fights it.
// Architecture (who may import whom) is dependency-cruiser's job: see .dependency-cruiser.cjs.
import eslint from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier/flat';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TEST_FILES = ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.chaos-spec.ts', 'test/**', 'bench/**'];

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', '.data/', 'test/chaos/logs/']),
  {
    // A disable comment that no longer silences anything fails the lint, so none outlives its reason.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2022,
      globals: globals.node,
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a parameter that a signature needs and the body doesn't (a callback, an interface method).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `async` is how a function satisfies a Promise-returning signature (a health check, a mock, a poll callback)
      // even when its body needs no await; no-floating-promises and no-misused-promises catch the mistakes that matter.
      '@typescript-eslint/require-await': 'off',
      // Passing on a caught `unknown` is how errors travel; only-throw-error allows the same for `throw`.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // STYLE.md: one typed configuration object, no `process.env` reads outside it; logs go through the logger.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/tenancy/src/config/**', 'libs/tenancy/src/bootstrap/config-from-environment.ts', ...TEST_FILES],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read settings from AppConfig (APP_CONFIG); only config-from-environment.ts reads process.env.',
        },
      ],
      'no-console': 'error',
    },
  },
  {
    // Tests and benchmarks read JSON bodies and driver rows as `any` on purpose, to assert on them directly.
    files: TEST_FILES,
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // `expect(mock.method).toHaveBeenCalled()` passes a method without calling it; that is how Jest works.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Plain JavaScript (configs, dev scripts): no type information. `.js` is CommonJS here (package.json has no "type").
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The console's script runs in the browser, as a classic script.
    files: ['apps/api/src/console/assets/*.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
  prettier,
);
