// Analytics API latency on the full demo data (~51k invoices over 3 years) through wrangler dev,
// and how long a rollup rebuild takes. Target: every analytics request p95 < 100 ms locally.
import { load, percentile, startLocalWorker } from "./local-worker.ts";

const TARGET_P95_MS = 100;

export async function run(args: string[]) {
  const n = Number(args[0] ?? 400);
  const worker = await startLocalWorker({ port: 8797, customers: args[1] ?? "1000,1000", readyTimeoutMs: 240_000 });
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
    const anchor = new Date();
    const to = anchor.toISOString().slice(0, 10);
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
    const r = await load(n, 10, async (i) => void (await get(paths[i % paths.length]!)));
    const sorted = r.latencies.toSorted((a, b) => a - b);
    const result = {
      requests: r.latencies.length,
      errors: r.errors,
      p50Ms: Math.round(percentile(sorted, 50)),
      p95Ms: Math.round(percentile(sorted, 95)),
      rollupRebuildSeconds,
      targetP95Ms: TARGET_P95_MS,
      met: percentile(sorted, 95) < TARGET_P95_MS && r.errors === 0,
    };
    return result;
  } finally {
    await worker.stop();
  }
}
