// One linter, type-aware, no warnings allowed.
import tseslint from 'typescript-eslint';

const RULES = {
  '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
  '@typescript-eslint/no-unnecessary-condition': 'off',
  '@typescript-eslint/no-non-null-assertion': 'off',
  '@typescript-eslint/no-confusing-void-expression': 'off',
  '@typescript-eslint/no-extraneous-class': 'off',
  // Fastify replies are thenables that must be returned, not awaited
  '@typescript-eslint/return-await': 'off',
  '@typescript-eslint/no-base-to-string': 'off',
  '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
};

/** What the inbox's modules may use from the browser; anything else (a Node global, say) is an error. */
const BROWSER_GLOBALS = Object.fromEntries(
  [
    'window',
    'document',
    'location',
    'history',
    'navigator',
    'console',
    'fetch',
    'EventSource',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'Node',
    'Element',
    'HTMLElement',
    'HTMLButtonElement',
    'HTMLDialogElement',
    'HTMLFormElement',
    'HTMLInputElement',
    'HTMLSelectElement',
    'HTMLTextAreaElement',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: RULES,
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // the inbox's browser modules: type-aware rules through their own project (DOM library, checkJs)
    files: ['src/sandbox/ui/assets/*.js'],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      sourceType: 'module',
      globals: BROWSER_GLOBALS,
      parserOptions: { projectService: false, project: './tsconfig.ui.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: { ...RULES, 'no-undef': 'error' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
