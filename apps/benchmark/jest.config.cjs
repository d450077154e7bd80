module.exports = { ...require('../../jest.preset.cjs'), displayName: 'benchmark', rootDir: __dirname };
