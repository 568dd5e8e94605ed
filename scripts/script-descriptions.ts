// One line per package.json script, shown by `npm run help` and the README. A node test
// (test/node/scripts-help.test.ts) fails when a script has no line here or a line has no script.
export const scriptDescriptions: Record<string, string> = {
  prestart: "runs before npm start: npm install, only if the dependencies or the lockfile changed",
  start: "migrate + seed the local D1 once, then serve API, docs, dashboard, queues and crons on http://127.0.0.1:8787",
  pretest: "runs before npm test: same dependency check as prestart",
  test: "the whole suite: workerd tests (test/worker) and Node tests (test/node); one file: npx vitest run <path>",
  typecheck: "tsc over everything, then workers/domain alone with no Workers or Node types",
  lint: "Biome lint (biome.json), no writes; CI fails on its errors; includes the workers/domain import fence",
  format: "Biome format, writes: the whole tree, or only the files you name (npm run format -- <files>)",
  types: "regenerate worker-configuration.d.ts (the Env type) from wrangler.toml",
  seed: "the demo data generator on its own (prints its usage); npm start runs it for you",
  reset: "wipe the local state (D1, R2, DOs, queues) and demo-credentials.json; the next npm start seeds again",
  bench: "npm run bench -- <name>: run bench/<name>.bench.ts, results in bench/results/<name>.json",
  smoke: "outside-in checks of a running npm start (reads demo-credentials.json)",
  "db:generate": "drizzle-kit generate: a migration from your workers/db/schema.ts change (add --name <topic>)",
  "db:migrate:local": "apply migrations/ to the local D1 (npm start does this too)",
  postinstall: "runs after npm install: copies swagger-ui into dashboard/public/docs/vendor for offline /docs",
  deploy: "wrangler deploy to your Cloudflare account (see the README's Deploy section first)",
  help: "this list",
};
