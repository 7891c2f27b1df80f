import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.sharehub/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  { files: ['src/cli.ts', 'tests/bench/**'], rules: { 'no-console': 'off' } },
  // The module rule (src/modules/README.md): modules are the domain; HTTP adapters and the app
  // depend on them, never the other way round.
  {
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '(^|/)(plugins/|app\\.js$|server\\.js$)',
          message: 'a module must not import from src/plugins/ or src/app.ts (see src/modules/README.md)',
        }],
      }],
    },
  },
);
