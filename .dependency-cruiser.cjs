// The layering of DESIGN.md (src/): data flows one way, and nothing imports against it.
//
//   cli ─► server ─► dialects/<name> ─► dialects/common ─► registry ─► store
//   (a layer may also use any layer further right, and every layer the pure model/ and templates/)
//
// - server/ assembles the app: it may import every dialect; no dialect imports server/.
// - a dialect never touches the store, and never imports another dialect (shared pieces live in
//   dialects/common/).
// - registry/ is the only code that opens transactions; it knows no wire shape (no dialect).
// - model/ and templates/ are pure: no I/O layer below them.
// - production code never imports test code (test/, *.test.ts); files named testing.ts and
//   test-support/ folders are helpers for tests and may.
// - no cycles, at any level (a type-only cycle has no run-time effect and is let through).
//
// `npm run lint` runs this with --ignore-known: .dependency-cruiser-known-violations.json lists the
// violations present when the rule was added (to be fixed, not to grow). Regenerate it only after
// fixing one: `npx depcruise src --output-type baseline > .dependency-cruiser-known-violations.json`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles hide which module owns an idea; split the shared part out.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'dialect-not-into-server',
      severity: 'error',
      comment: 'server/ assembles the dialects; a dialect depending on server/ makes a cycle of layers.',
      from: { path: '^src/dialects/' },
      to: { path: '^src/(server|cli)/' },
    },
    {
      name: 'dialect-not-into-store',
      severity: 'error',
      comment: 'A dialect validates, makes one registry call and maps: it never touches the store.',
      from: { path: '^src/dialects/' },
      to: { path: '^src/store/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'dialect-not-into-other-dialect',
      severity: 'error',
      comment: 'Dialects are independent; what two of them share belongs in dialects/common/.',
      from: { path: '^src/dialects/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/dialects/([^/]+)/', pathNot: ['^src/dialects/$1/', '^src/dialects/common/'] },
    },
    {
      name: 'dialect-tests-not-into-other-dialect',
      severity: 'error',
      comment: "A dialect's tests may name another dialect's response types (issue 12), nothing at run time.",
      from: { path: '^src/dialects/([^/]+)/.*\\.test\\.ts$' },
      to: {
        path: '^src/dialects/([^/]+)/',
        pathNot: ['^src/dialects/$1/', '^src/dialects/common/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'common-not-into-dialect',
      severity: 'error',
      from: { path: '^src/dialects/common/' },
      to: { path: '^src/dialects/', pathNot: '^src/dialects/common/' },
    },
    {
      name: 'registry-knows-no-wire',
      severity: 'error',
      comment: 'Use cases know no HTTP, no dialect and no server.',
      from: { path: '^src/registry/' },
      to: { path: '^src/(server|cli|dialects|gateway|delivery)/' },
    },
    {
      name: 'store-is-below-registry',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(server|cli|dialects|registry|gateway|delivery)/' },
    },
    {
      name: 'pure-layers-stay-pure',
      severity: 'error',
      comment: 'model/ and templates/ are pure rules: no store, registry, HTTP or workers.',
      from: { path: '^src/(model|templates)/' },
      to: { path: '^src/(server|cli|dialects|registry|store|gateway|delivery)/' },
    },
    {
      name: 'workers-not-into-http',
      severity: 'error',
      comment: 'delivery/ and gateway/ are used by server/ and registry/, never the other way up.',
      from: { path: '^src/(delivery|gateway)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(server|cli|dialects)/' },
    },
    {
      name: 'worker-tests-not-into-http',
      severity: 'error',
      comment: 'Worker tests may name route response types (issue 12), nothing else from above.',
      from: { path: '^src/(delivery|gateway)/.*\\.test\\.ts$' },
      to: { path: '^src/(server|cli|dialects)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'production-not-into-tests',
      severity: 'error',
      from: { path: '^src/', pathNot: ['\\.test\\.ts$', '/testing\\.ts$', '/test-support/'] },
      to: { path: ['^test/', '\\.test\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count for layering: a type from the wrong layer is a dependency too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['^node_modules/'] },
  },
};
