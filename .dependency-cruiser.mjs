/**
 * The shape of packages/server/src that CI keeps (issue #16 item 8), run by `npm run check:shape`
 * (scripts/check-shape.mjs, which adds the folder-level cycle check dependency-cruiser has no rule for).
 * @type {import('dependency-cruiser').IConfiguration}
 */
export default {
  forbidden: [
    {
      name: 'kysely-outside-store',
      severity: 'error',
      comment:
        'SQL lives in packages/server/src/store/ only: services use repositories and the unit of work (store/repositories/index.ts).',
      from: { path: '^packages/server/src/', pathNot: '^packages/server/src/store/' },
      to: { path: '(^|/)node_modules/kysely/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mjs', '.js', '.json'],
    },
  },
};
