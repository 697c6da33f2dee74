// One lint setup for the whole monorepo. Beyond the recommended rules it enforces the
// architecture of ../shared/DESIGN.md: the pure protocol cores (mls, kt) and the browser
// path of crypto never import node:* modules or anything that does I/O.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'node:*', 'fs', 'fs/*', 'path', 'os', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns',
  'child_process', 'cluster', 'worker_threads', 'crypto', 'stream', 'process', 'readline',
  'better-sqlite3', 'pg', 'ws', 'nats', '@nats-io/*',
  // Gitignore-style patterns: bare 'crypto' would also match the '@sealed/crypto/...' workspace
  // and relative imports of a folder named crypto (packages/mls/src/crypto/).
  '!@sealed/**', '!./**', '!../**',
];

const noIo = {
  'no-restricted-imports': ['error', {
    patterns: [{
      group: ioModules,
      message: 'Pure code (mls, kt, the browser crypto provider) must not import node:* or I/O modules; pass what you need in.',
    }],
  }],
  'no-restricted-globals': ['error',
    { name: 'process', message: 'Pure code must not read process state; pass configuration in.' },
    { name: 'Buffer', message: 'Use Uint8Array; Buffer is Node-only.' },
    { name: 'fetch', message: 'Pure code does no I/O.' },
    { name: 'setTimeout', message: 'Pure code has no timers; take a clock.' },
    { name: 'setInterval', message: 'Pure code has no timers; take a clock.' },
  ],
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
  {
    files: [
      'packages/mls/src/**/*.ts',
      'packages/kt/src/**/*.ts',
      'packages/crypto/src/**/*.ts',
    ],
    ignores: ['packages/crypto/src/node/**'],
    rules: noIo,
  },
);
