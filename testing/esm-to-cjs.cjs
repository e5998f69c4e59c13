// A Jest transform for the ES-module-only packages the tests load (the AI SDK 7 and its providers):
// Jest's module system cannot `require()` an ES module on Node 22 (Node itself can), so their files
// are compiled to CommonJS, as the TypeScript sources of the tests are. Nothing else is changed.
const { createHash } = require('node:crypto');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  allowJs: true,
  sourceMap: false,
};

module.exports = {
  process(source, filename) {
    return { code: ts.transpileModule(source, { fileName: filename, compilerOptions }).outputText };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(ts.version).update('\0').update(filename).update('\0').update(source).digest('hex');
  },
};
