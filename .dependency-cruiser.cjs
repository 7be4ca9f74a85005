/**
 * Architecture rules, checked by `npm run lint:arch` (part of `npm run lint`).
 *
 *   apps/*            import libraries only as `@app/<name>` (libs/<name>/src/index.ts), never each other
 *   libs/*            never import apps/, test/ or bench/; another library only through its entry;
 *                     libs/tenant-routing builds on libs/tenancy, never the reverse
 *   libs/tenancy/src  feature folders form layers that only point down (TENANCY_LAYERS below)
 *   test/, bench/     may import anything
 *   everywhere        no circular imports, between files or between folders
 *
 * The module graph, collapsed to feature folders: `npm run lint:graph` (writes docs/architecture/module-graph.txt).
 */

/**
 * libs/tenancy/src, bottom layer first. An entry is a folder under src/ or a file directly in it. A file may
 * import its own folder and anything in a lower layer; entries sharing a layer are independent of each other.
 */
const TENANCY_LAYERS = [
  ['postgres', 'errors'], // PostgreSQL helpers (URLs, quoting, one-off clients, migration source); the error family
  ['config'], // the typed configuration (validates URLs with postgres/)
  ['naming', 'redis', 'secrets', 'metrics', 'tracing'], // leaf utilities; metrics: the app's Prometheus registry, /metrics, HTTP durations, scrape-time gauges; tracing: OpenTelemetry spans, started only when configured
  ['archives'], // tenant backups in BACKUP_DIR: pg_dump and pg_restore, checksums, checks of a file to restore
  ['master'], // the master database: connection, migrations, advisory locks
  ['registry'], // the tenants table
  ['servers'], // the PostgreSQL servers tenant databases live on: registry, addresses, placement of new tenants
  ['events'], // tenant status and access broadcasts
  ['credentials', 'api-keys'], // tenant role logins and their rotation; tenants' API keys
  ['tenant-databases'], // creating, handing over and migrating tenant databases; template and warm pool
  ['provisioning'], // the queue and the use cases its jobs run
  ['fleet'], // rollouts: tenant migrations (and rollbacks) across the fleet, their queue and the worker's step
  ['registration'], // registering and retrying tenants: the use cases that enqueue provisioning
  ['lifecycle'], // suspend, resume, delete, purge, restore, move: the requests, their queue and the worker's steps
  ['health', 'logging', 'http'], // Nest wiring around the features; http: request validation shared by the apps
  ['bootstrap'], // building an app from the above
  ['tenancy.module.ts'],
  ['index.ts'], // the public entry: nothing inside the library imports it
];

const SRC = '^libs/tenancy/src/';
const escapeDots = (entry) => entry.replace(/[.]/g, '\\.');
const anyOf = (entries) => `(${entries.map(escapeDots).join('|')})`;
const ENTRY_END = '(/|$)';

const layerRules = TENANCY_LAYERS.map((layer, index) => {
  const below = TENANCY_LAYERS.slice(0, index).flat();
  return {
    name: `tenancy-layers:${layer.join('+')}`,
    severity: 'error',
    comment:
      `libs/tenancy/src/{${layer.join(',')}} may import only its own folder and the layers below it` +
      (below.length ? ` (${below.join(', ')})` : ' (none: it is the bottom layer)') +
      '. See TENANCY_LAYERS in .dependency-cruiser.cjs.',
    from: { path: `${SRC}${anyOf(layer)}${ENTRY_END}` },
    // $1 is the importing file's own entry (its folder), which it may always import.
    to: { path: SRC, pathNot: `${SRC}${anyOf([...below, '$1'])}${ENTRY_END}` },
  };
});

const KNOWN_ENTRY = `${SRC}${anyOf(TENANCY_LAYERS.flat())}${ENTRY_END}`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle between files: split the shared part out, or invert one dependency.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      comment: 'Two folders import each other (maybe through different files): one of them is in the wrong layer.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'apps-through-library-entry',
      severity: 'error',
      comment: 'Apps use the library through its public entry `@app/tenancy` (libs/tenancy/src/index.ts), never deep paths.',
      from: { path: '^apps/' },
      to: { path: '^libs/', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'apps-library-by-alias',
      severity: 'error',
      comment: 'Import a library as `@app/<name>` (tsconfig paths), not by a relative path.',
      from: { path: '^apps/' },
      to: { path: '^libs/', dependencyTypesNot: ['aliased-tsconfig'] },
    },
    {
      name: 'libs-through-other-library-entry',
      severity: 'error',
      comment: 'A library uses another one only through its public entry, by its alias (`@app/tenancy`).',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'tenancy-not-to-tenant-routing',
      severity: 'error',
      comment: 'libs/tenancy is the bottom library: tenant-routing builds on it, never the other way.',
      from: { path: '^libs/tenancy/' },
      to: { path: '^libs/tenant-routing/' },
    },
    {
      name: 'apps-not-to-other-apps',
      severity: 'error',
      comment: 'The api, the worker and tenant-api are separate processes; what they share belongs in a library.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'A library never depends on the apps that use it.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'not-to-test-or-bench',
      severity: 'error',
      comment: 'Shipped code (apps/, libs/, migrations/) does not import test or benchmark code.',
      from: { path: '^(apps|libs|migrations)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'tenancy-not-through-own-entry',
      severity: 'error',
      comment: 'Inside the library, import the file itself, not `@app/tenancy` or index.ts (that makes cycles).',
      from: { path: SRC, pathNot: `${SRC}index\\.ts$` },
      to: { path: `${SRC}index\\.ts$` },
    },
    ...layerRules,
    {
      name: 'tenancy-entry-without-layer',
      severity: 'error',
      comment: 'An entry of libs/tenancy/src that is in no layer: add it to TENANCY_LAYERS in .dependency-cruiser.cjs.',
      from: { path: SRC, pathNot: KNOWN_ENTRY },
      to: { path: SRC },
    },
    {
      name: 'tenancy-to-entry-without-layer',
      severity: 'error',
      comment: 'An entry of libs/tenancy/src that is in no layer: add it to TENANCY_LAYERS in .dependency-cruiser.cjs.',
      from: { path: SRC },
      to: { path: SRC, pathNot: KNOWN_ENTRY },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing on disk.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'A package used but not declared in package.json: it is there only because something else brought it.',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'Shipped code needs its packages in "dependencies"; `npm ci --omit=dev` would leave this one out.',
      from: { path: '^(apps|libs|migrations)/', pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|\\.data)/' },
    // Type-only imports are dependencies of the design too, even though the compiler erases them.
    tsPreCompilationDeps: true,
    // Resolves `@app/tenancy` through tsconfig.json's paths.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
