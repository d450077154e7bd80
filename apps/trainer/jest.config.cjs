module.exports = { ...require('../../jest.preset.cjs'), displayName: 'trainer', rootDir: __dirname };
