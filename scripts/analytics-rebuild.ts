// npm run analytics:rebuild: forget every franchise's analytics rollup in the local D1, then
// have the running Worker rebuild them from the billing tables (the per-minute cron builds any
// rollup that is missing). One franchise at a time over HTTP: POST /v1/analytics/rebuild (staff admin).
import { spawnSync } from "node:child_process";
import { fireCron } from "./local-crons.ts";

const port = Number(process.env.PORT ?? 8787);
const baseUrl = `http://127.0.0.1:${port}`;
const wrangler = "node_modules/.bin/wrangler";

const cleared = spawnSync(wrangler, ["d1", "execute", "DB", "--local", "--command", "DELETE FROM analytics_state", "-y"], { encoding: "utf8" });
if (cleared.status !== 0) {
  process.stderr.write(`${cleared.stdout}\n${cleared.stderr}\n[analytics:rebuild] could not clear the local rollup state\n`);
  process.exit(1);
}
console.error("[analytics:rebuild] local rollup state cleared");

const started = Date.now();
try {
  const { ok, detail } = await fireCron(baseUrl, "* * * * *", new Date());
  if (!ok) throw new Error(detail);
  console.log(`[analytics:rebuild] rollups rebuilt by ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.log(`[analytics:rebuild] no Worker answered on ${baseUrl} (${error instanceof Error ? error.message : String(error)}): the next npm start rebuilds them`);
}
