// npm test: vitest (the workerd tests in test/worker and the Node tests in test/node), then the
// dashboard's browser tests (test/browser/run.ts) when a Chromium is installed. Arguments after
// `--` go to vitest (`npm test -- --reporter=json --outputFile=r.json`); naming test files or
// `-t`/`--project` runs just those vitest tests, without the browser. Exit code: non-zero when
// either part failed.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const args = process.argv.slice(2);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const vitest = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...args], { stdio: "inherit" });
let failed = vitest.status !== 0;

// A file filter is a bare argument; "--flag=value" and bare flags are options (reporters, output files).
const narrowed = args.some((a) => !a.startsWith("-")) || args.some((a) => /^(-t|--testNamePattern|--project)(=|$)/.test(a));
if (narrowed) {
  console.error("[test] browser tests: not run, this vitest run is narrowed to some tests (npm run test:browser runs them alone)");
} else if (!existsSync(chromium)) {
  console.error(`[test] browser tests: SKIPPED, no Chromium at ${chromium} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
} else {
  const browser = spawnSync(process.execPath, ["test/browser/run.ts"], { stdio: "inherit" });
  failed ||= browser.status !== 0;
}
process.exit(failed ? 1 : 0);
