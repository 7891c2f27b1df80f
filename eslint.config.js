import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import pluginVue from 'eslint-plugin-vue';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.sharehub/**', 'coverage/**', 'console/dist/**', 'console/dist.building-*/**', 'console/src/api/schema.d.ts'] },
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
  // The web console (console/): Vue single-file components in the browser. eslint-plugin-vue's
  // recommended rules, with TypeScript in <script lang="ts">; v-html is an error, so every value
  // from the API is rendered as text (the console's XSS rule).
  ...pluginVue.configs['flat/recommended'].map((c) => ({ ...c, files: ['console/src/**/*.vue'] })),
  { files: ['console/src/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['console/src/**/*.vue'],
    languageOptions: { globals: { ...globals.browser }, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    rules: {
      'vue/no-v-html': 'error',
      // Layout of the templates is the formatter's business, not a lint error.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/multi-word-component-names': 'off',
    },
  },
);
