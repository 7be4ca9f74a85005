/**
 * The module graph of apps/ and libs/, collapsed to feature folders (a file directly under src/ stays a file), unit
 * tests left out: `npm run lint:graph` writes it to docs/architecture/module-graph.txt, one `from → to` a line.
 */
const rules = require('./.dependency-cruiser.cjs');

module.exports = {
  options: {
    ...rules.options,
    includeOnly: '^(apps|libs)/',
    exclude: { path: [rules.options.exclude.path, '\\.spec\\.ts$'] },
    collapse: '^(libs/[^/]+/src/[^/]+|apps/[^/]+/src/[^/]+)',
  },
};
