// The backend stays readable in one sitting per file: files under 400 lines, functions under
// 80 (tests are exempt: a scenario reads best in one piece). Import cycles are checked by
// src/structure.test.ts, which also sees cycles between folders.
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    'max-lines': ['error', { max: 400 }],
    'max-lines-per-function': ['error', { max: 80 }],
  },
  testRules: {
    'max-lines': 'off',
    'max-lines-per-function': 'off',
  },
});
