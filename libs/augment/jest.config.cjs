module.exports = { ...require('../../jest.preset.cjs'), displayName: 'augment', rootDir: __dirname };
