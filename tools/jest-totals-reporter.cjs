// Writes each project's test totals to coverage/jest/<project>.json, so tools/test.mjs can print one closing line
// over every project even when Nx replays some results from its cache.
const fs = require('node:fs');
const path = require('node:path');

class TotalsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const project = path.basename(this.rootDir);
    const dir = path.join(__dirname, '..', 'coverage', 'jest');
    fs.mkdirSync(dir, { recursive: true });
    const totals = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.writeFileSync(path.join(dir, `${project}.json`), `${JSON.stringify(totals)}\n`);
  }
}

module.exports = TotalsReporter;
