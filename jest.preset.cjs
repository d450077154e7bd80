// Shared jest set-up: TypeScript through SWC (CommonJS for jest), workspace libs resolved to their sources,
// ESM-style ".js" specifiers mapped back to the .ts files.
const path = require('node:path');
const root = __dirname;
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(ml-pca|ml-matrix|is-any-array|ml-array-[a-z-]+)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'node'],
  moduleNameMapper: {
    '^@ssad/([a-z-]+)$': path.join(root, 'libs/$1/src/index.ts'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  reporters: ['default', path.join(root, 'tools/jest-totals-reporter.cjs')],
  testTimeout: 120000,
};
