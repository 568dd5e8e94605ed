// Partner API throughput and latency against the local ceiling, through wrangler dev (workerd +
// local D1 + DOs) with a seeded franchise network. The load generator is wrk with ONE thread and
// a few connections (bench/wrk.ts), so it leaves the Worker most of the 2 cores; the bare route
// (/ping: no middleware, no work) and the invoice read use the same connection count, are each
// warmed up first, and are measured in alternating rounds so a change in the machine's load hits
// both alike. The ratio is total read requests/s over total bare requests/s of those rounds; the
// read's p99 is the worst round's p99 at the read's own load (conservative). Targets (local, 2
// cores): the authenticated, rate-limited invoice read at >= 50 % of the bare route with p99 <
// 50 ms and no errors other than the throttled key's intended 429s; the limiter < 2 ms p50. Any
// non-429 error (or a 429 outside the throttled scenario) makes the run exit non-zero.
//   npm run bench -- api [seconds per round, default 10] [connections, default 4] [rounds, default 3]
import { createHash } from "node:crypto";
import { loadavg } from "node:os";
import { load, percentile, startLocalWorker } from "./local-worker.ts";
import { runLoad, type LoadResult } from "./wrk.ts";

const TARGETS = { ratio: 0.5, p99Ms: 50, limiterP50Ms: 2 };
const THROTTLED_PLAN = { burst: 20, perMinute: 60 };

export async function run(args: string[]) {
  const seconds = Number(args[0] ?? 10);
  const connections = Number(args[1] ?? 4);
  const rounds = Number(args[2] ?? 3);
  if (!(seconds > 0 && connections > 0 && rounds > 0)) throw new Error("usage: npm run bench -- api [seconds > 0] [connections > 0] [rounds > 0]");
  const worker = await startLocalWorker({
    port: 8799,
    customers: "300,200",
    // BENCH_STATE_DIR keeps the seeded state between runs (the seed load takes minutes under load).
    stateDir: process.env.BENCH_STATE_DIR || undefined,
    // The per-request access log line costs ~25 % on a cheap route under wrangler dev (its log
    // pipe); production samples Workers Logs instead. BENCH_LOG_LEVEL=info measures it anyway.
    vars: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn" },
    // The second franchise's key gets a small plan: the "throttled key" scenario.
    setupSql: async (cred) => {
      const hash = createHash("sha256").update(cred.others[0]!.apiKey).digest("hex");
      const at = new Date().toISOString();
      return `INSERT OR REPLACE INTO rate_plans (id, name, key_burst, key_per_minute, franchise_burst, franchise_per_minute, expensive_concurrency, created_at, updated_at)
                VALUES ('rp_bench_throttled', 'Bench throttled', ${THROTTLED_PLAN.burst}, ${THROTTLED_PLAN.perMinute}, 100000, 100000, 1, '${at}', '${at}');
              INSERT OR REPLACE INTO rate_plan_assignments (franchise_id, subject, rate_plan_id, created_at)
                SELECT franchise_id, id, 'rp_bench_throttled', '${at}' FROM api_keys WHERE key_hash = '${hash}';`;
    },
  });
  try {
    const auth = { authorization: `Bearer ${worker.credentials.apiKey}` };
    const json = { ...auth, "content-type": "application/json" };
    let retriedPosts = 0;
    const get = async (path: string, headers: Record<string, string> = auth) => {
      const res = await fetch(worker.baseUrl + path, { headers });
      if (!res.ok) throw new Error(`${res.status}`);
      return res;
    };
    // As a careful partner does: each POST carries an Idempotency-Key and is retried with the same
    // key when the connection fails under it (a kept-alive socket the server closed: EPIPE), so a
    // retry can never create a second invoice. A 409 "in progress" means the first attempt is still
    // running: wait and ask again.
    const post = async (path: string, body?: unknown) => {
      const headers = { ...json, "idempotency-key": crypto.randomUUID() };
      for (let attempt = 1; ; attempt++) {
        let res: Response;
        try {
          res = await fetch(worker.baseUrl + path, { method: "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) });
        } catch (error) {
          if (attempt >= 4) throw error;
          retriedPosts++;
          continue;
        }
        if (!res.ok) {
          const text = await res.text();
          if (res.status === 409 && text.includes("idempotency_in_progress") && attempt < 20) {
            await new Promise((r) => setTimeout(r, 100));
            continue;
          }
          throw new Error(`${res.status} ${text}`);
        }
        return res.json() as Promise<any>;
      }
    };
    const branch = ((await (await get("/v1/branches")).json()) as any).data[0];
    const customer = ((await (await get("/v1/customers?limit=1")).json()) as any).data[0];
    const invoice = ((await (await get("/v1/invoices?limit=1")).json()) as any).data[0];

    // Warm every path (isolate, principal cache, DO, D1 pages) before measuring.
    for (let i = 0; i < 50; i++) {
      await get("/ping", {});
      await get(`/v1/invoices/${invoice.id}`);
      await get("/v1/invoices?overdue=true&limit=50");
    }

    // What the limiter itself costs per request, as it reports in Server-Timing (sequential).
    const limiterMs: number[] = [];
    for (let i = 0; i < 300; i++) {
      const res = await get(`/v1/invoices/${invoice.id}`);
      const m = /ratelimit;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "");
      if (m) limiterMs.push(Number(m[1]));
      await res.arrayBuffer();
    }
    limiterMs.sort((a, b) => a - b);

    const w = { seconds, connections };
    const bareUrl = `${worker.baseUrl}/ping`;
    const readUrl = `${worker.baseUrl}/v1/invoices/${invoice.id}`;
    // JIT, caches and connection set-up settle before anything is counted.
    runLoad(bareUrl, { ...w, seconds: 2 });
    runLoad(readUrl, { ...w, seconds: 2, headers: auth });
    const bareRounds: LoadResult[] = [];
    const readRounds: LoadResult[] = [];
    for (let i = 0; i < rounds; i++) {
      bareRounds.push(runLoad(bareUrl, w));
      readRounds.push(runLoad(readUrl, { ...w, headers: auth }));
    }
    const bare = combine(bareRounds);
    const read = combine(readRounds);
    const overdue = runLoad(`${worker.baseUrl}/v1/invoices?overdue=true&limit=50`, { ...w, headers: auth });
    const throttled = runLoad(`${worker.baseUrl}/v1/invoices?limit=1`, { ...w, headers: { authorization: `Bearer ${worker.credentials.others[0]!.apiKey}` } });

    // Create + issue needs the draft's id, so it runs from Node (as many in flight as wrk's connections), not wrk.
    const numbers: string[] = [];
    const pairs = await load(Math.max(50, seconds * 20), connections, async () => {
      const draft = await post("/v1/invoices", { customerId: customer.id, branchId: branch.id, currency: branch.currency, lines: [{ description: "Bench service", quantity: 1, unitPrice: 12345 }] });
      numbers.push((await post(`/v1/invoices/${draft.id}/issue`)).number);
    });
    const seqs = numbers.map((x) => Number(x.split("-").pop())).sort((a, b) => a - b);
    const gapless = seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1);

    const row = (name: string, r: LoadResult) => ({
      route: name,
      rps: r.rps,
      p50Ms: round(r.p50Ms),
      p95Ms: round(r.p95Ms),
      p99Ms: round(r.p99Ms),
      errors: r.errors,
      throttled: r.throttled,
      ratio: round(r.rps / bare.rps),
    });
    const pairRow = {
      route: "POST /v1/invoices + issue (pairs)",
      rps: Math.round(pairs.latencies.length / pairs.seconds),
      p50Ms: round(percentile(pairs.latencies, 50)),
      p95Ms: round(percentile(pairs.latencies, 95)),
      p99Ms: round(percentile(pairs.latencies, 99)),
      errors: pairs.errors,
      throttled: 0,
      ratio: round(pairs.latencies.length / pairs.seconds / bare.rps),
    };
    const table = [
      row("GET /ping (bare)", bare),
      row("GET /v1/invoices/{id}", read),
      row("GET /v1/invoices?overdue=true", overdue),
      pairRow,
      row(`GET /v1/invoices (throttled key, ${THROTTLED_PLAN.burst} burst, ${THROTTLED_PLAN.perMinute}/min)`, throttled),
    ];
    console.error(`load: ${bare.tool} -t1 -c${connections} -d${seconds}s per route; bare and read in ${rounds} alternating rounds (read/bare per round: ${readRounds.map((r, i) => round(r.rps / bareRounds[i]!.rps)).join(", ")})`);
    console.table(table);
    const limiterP50Ms = round(percentile(limiterMs, 50));
    console.error(`rate limiter (Server-Timing): p50 ${limiterP50Ms} ms, p99 ${round(percentile(limiterMs, 99))} ms over ${limiterMs.length} requests`);
    // The throttled key may pass its burst plus what refills during the run, no more.
    const throttledAllowedMax = THROTTLED_PLAN.burst + Math.ceil((throttled.seconds * THROTTLED_PLAN.perMinute) / 60);
    const errors = bare.errors + read.errors + overdue.errors + pairs.errors + throttled.errors + bare.throttled + read.throttled + overdue.throttled;
    const ratio = round(read.rps / bare.rps);
    // Fail loudly: a run with unintended errors, or where work did not happen, measured nothing.
    const problems = [
      errors > 0 ? `${errors} errors other than the throttled key's 429s${pairs.errorSamples.length ? ` (${pairs.errorSamples.join("; ")})` : ""}` : "",
      read.ok === 0 || bare.ok === 0 ? "no successful bare or read request" : "",
      numbers.length !== pairs.latencies.length - pairs.errors ? "create + issue: an issued invoice has no number" : "",
      !gapless ? "create + issue: numbers are not gapless" : "",
      throttled.throttled === 0 ? "the throttled key was never refused" : "",
      throttled.ok > throttledAllowedMax ? `the throttled key passed ${throttled.ok} > ${throttledAllowedMax}` : "",
    ].filter(Boolean);
    if (problems.length > 0) {
      console.error(`api bench FAILED: ${problems.join("; ")}`);
      process.exitCode = 1;
    }
    return {
      bareRps: bare.rps,
      invoiceReadRps: read.rps,
      ratio,
      p99Ms: round(read.p99Ms),
      errors,
      problems,
      load: { connections, seconds, rounds, loadAverage: loadavg().map((x) => round(x)) },
      limiterP50Ms,
      throttledKey: { allowed: throttled.ok, refused: throttled.throttled, allowedMax: throttledAllowedMax, exact: throttled.ok <= throttledAllowedMax },
      createIssue: { pairs: numbers.length, gapless, retriedPosts, errorSamples: pairs.errorSamples },
      table,
      targets: TARGETS,
      meetsTargets: ratio >= TARGETS.ratio && read.p99Ms < TARGETS.p99Ms && errors === 0 && limiterP50Ms < TARGETS.limiterP50Ms && gapless && throttled.ok <= throttledAllowedMax,
    };
  } finally {
    await worker.stop();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Rounds of one route as one result: throughput over all of them, latency of the worst round. */
function combine(rs: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => rs.reduce((t, r) => t + f(r), 0);
  const worst = (f: (r: LoadResult) => number) => Math.max(...rs.map(f));
  const seconds = sum((r) => r.seconds);
  return { tool: rs[0]!.tool, requests: sum((r) => r.requests), seconds, rps: Math.round(sum((r) => r.requests) / seconds), p50Ms: worst((r) => r.p50Ms), p95Ms: worst((r) => r.p95Ms), p99Ms: worst((r) => r.p99Ms), ok: sum((r) => r.ok), throttled: sum((r) => r.throttled), errors: sum((r) => r.errors) };
}
