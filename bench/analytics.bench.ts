// Analytics API latency on the full demo data (~51k invoices over 3 years) through wrangler dev,
// and how long a rollup rebuild takes. Target: every analytics request p95 < 100 ms locally.
//
// Two passes over the same request mix: one request at a time (latency: the headline p50/p95,
// what one dashboard user sees), then 4 in flight: the default plan's limit of expensive requests
// per franchise (workers/ratelimit/plans.ts; analytics are "expensive", a 5th in flight is a 429
// by design). wrangler dev runs the Worker and its local D1 on one thread, so there p95 ≈ 4 × the
// service time plus the machine's load. A cheap authenticated route is timed the same way as the floor.
// Per-path p95s show which request is slow. `npm run bench -- analytics [n] [customers]`;
// ANALYTICS_BENCH_STATE=<dir> keeps the seeded state there and reuses it (the rollups are
// cleared first, so the rebuild is timed every run).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { load, percentile, startLocalWorker } from "./local-worker.ts";

const TARGET_P95_MS = 100;
const CONCURRENCY = 4;

const ms = (x: number) => Math.round(x * 10) / 10;

function summarize(latencies: number[]) {
  const sorted = latencies.toSorted((a, b) => a - b);
  return { p50Ms: ms(percentile(sorted, 50)), p95Ms: ms(percentile(sorted, 95)) };
}

export async function run(args: string[]) {
  const n = Number(args[0] ?? 400);
  const stateDir = process.env.ANALYTICS_BENCH_STATE;
  if (stateDir && existsSync(join(stateDir, "cred.json"))) {
    const r = spawnSync("node_modules/.bin/wrangler", ["d1", "execute", "DB", "--local", "--persist-to", stateDir, "--command", "DELETE FROM analytics_state", "-y"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`clearing the rollup state failed: ${r.stderr}`);
  }
  const worker = await startLocalWorker({ port: 8797, customers: args[1] ?? "1000,1000", readyTimeoutMs: 240_000, ...(stateDir ? { stateDir } : {}) });
  try {
    const { franchiseId } = worker.credentials;
    const headers = { authorization: `Bearer ${worker.credentials.apiKey}` };
    // Build the rollups the way npm start does (the per-minute cron), timing the demo franchise's share.
    const t0 = performance.now();
    const cron = await fetch(`${worker.baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`);
    if (!cron.ok) throw new Error(`cron: ${cron.status}`);
    const rollupRebuildSeconds = Math.round((performance.now() - t0) / 100) / 10;
    const get = async (path: string) => {
      const res = await fetch(worker.baseUrl + path, { headers });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    const branches = (await get("/v1/branches?limit=50")).data as Array<{ id: string }>;
    const to = new Date().toISOString().slice(0, 10);
    const month = to.slice(0, 7);
    const paths = [
      `/v1/analytics/overview?from=${month}-01&to=${to}`,
      `/v1/analytics/overview?from=2024-01-01&to=${to}`,
      `/v1/analytics/revenue?from=2024-01&to=${month}`,
      `/v1/analytics/profitability?from=2025-01&to=${month}`,
      `/v1/analytics/branches?from=2026-01-01&to=${to}`,
      ...branches.slice(0, 3).map((b) => `/v1/analytics/overview?from=2026-01-01&to=${to}&branchId=${b.id}`),
    ];
    const sample = await get(paths[2]!);
    if (!Array.isArray(sample.data) || sample.data.length === 0) throw new Error(`no revenue rows for ${franchiseId}: the rollup is empty`);
    await load(20, 4, async (i) => void (await get(paths[i % paths.length]!))); // warm-up
    const loadBefore = loadavg()[0]!;
    const perPath = new Map<string, number[]>();
    const seq = await load(n, 1, async (i) => {
      const path = paths[i % paths.length]!;
      const t = performance.now();
      await get(path);
      perPath.set(path, [...(perPath.get(path) ?? []), performance.now() - t]);
    });
    const floor: number[] = [];
    for (let i = 0; i < Math.min(n, 100); i++) {
      const t = performance.now();
      await get("/v1/branches?limit=1");
      floor.push(performance.now() - t);
    }
    const conc = await load(n, CONCURRENCY, async (i) => void (await get(paths[i % paths.length]!)));
    const loadAfter = loadavg()[0]!;
    const sequential = summarize(seq.latencies);
    return {
      loadAverage1m: { before: ms(loadBefore), after: ms(loadAfter) },
      byPath: [...perPath].map(([path, l]) => ({ path: path.replace(/br_[0-9a-z]+/, "br_…"), ...summarize(l) })),
      floor: { path: "/v1/branches?limit=1", ...summarize(floor) },
      concurrent: { concurrency: CONCURRENCY, requests: conc.latencies.length, errors: conc.errors, errorSamples: conc.errorSamples, ...summarize(conc.latencies), rps: Math.round(conc.latencies.length / conc.seconds) },
      errors: seq.errors + conc.errors,
      errorSamples: seq.errorSamples,
      targetP95Ms: TARGET_P95_MS,
      met: sequential.p95Ms < TARGET_P95_MS && seq.errors + conc.errors === 0,
      requests: seq.latencies.length,
      p50Ms: sequential.p50Ms,
      p95Ms: sequential.p95Ms,
      rollupRebuildSeconds,
    };
  } finally {
    await worker.stop();
  }
}
