// The house rules, checked on every `npm test` (npm run lint:deps): any violation fails it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-never-imports-a-feature',
      comment: 'src/ is the core: features plug in through src/features.ts, the one install list.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/features\\.ts$' },
      to: { path: '^(handlers|jobs)/' },
    },
    {
      name: 'only-entry-points-install-features',
      comment: 'The entry points pass FEATURES to createApp; nothing else in the core reaches for them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main|chat|cli|features)\\.ts$' },
      to: { path: '^src/features\\.ts$' },
    },
    {
      name: 'features-never-touch-platforms',
      comment: 'A handler or job speaks Session, Ctx and the domain; what a platform is stays in its folder.',
      severity: 'error',
      from: { path: '^(handlers|jobs)/' },
      to: { path: '^src/platforms/' },
    },
    {
      name: 'features-never-write-sql',
      comment: 'Each table has one owner in the core (a store or domain module); handlers and jobs call it.',
      severity: 'error',
      from: { path: '^(handlers|jobs)/' },
      to: { path: ['^src/db/schema\\.ts$', 'node_modules/drizzle-orm'] },
    },
    {
      name: 'features-are-independent',
      comment: 'A feature folder does not reach into another feature; shared code belongs in the core.',
      severity: 'error',
      from: { path: '^handlers/([^/]+)/' },
      to: { path: '^handlers/', pathNot: '^handlers/$1/' },
    },
    {
      name: 'handlers-and-jobs-apart',
      severity: 'error',
      from: { path: '^(handlers|jobs)/' },
      to: { path: '^(handlers|jobs)/', pathNot: '^$1/' },
    },
    {
      name: 'domain-never-imports-chat',
      comment: 'The domain returns typed results and DomainErrors; wording a reply is the chat layer\'s job.',
      severity: 'error',
      from: { path: '^src/(domain|db)/' },
      to: { path: ['^src/commands/', '^src/bot\\.ts$', '^src/http/', '^src/platforms/'] },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|test|bench|drills)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
