module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Shared assertions of the permission tests (src/__testUtils__/permissions.ts).
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expectActionsOnlyOn'] },
    ],
  },
});
