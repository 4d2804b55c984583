// Flat config: typescript-eslint's recommended rules over the whole tree, plus type-aware rules
// for promises (a dropped or misplaced promise loses an error or an acknowledged write).
// The layering (imports flow cli → server → dialects → registry → store; no cycles) is checked by
// dependency-cruiser: .dependency-cruiser.cjs, run by `npm run lint`.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'drizzle/**',
      'web/dist/**',
      'dist/**',
      '.lectern/**',
      'bench/results.json',
      'coverage/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
