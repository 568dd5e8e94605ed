// Partner API latency and throughput through wrangler dev (workerd + local D1 + DOs), with a
// seeded franchise network. Targets (local, 2 cores, load generator on the same machine):
//   invoice list p95 < 150 ms at 10 concurrent; create+issue p95 < 250 ms at 10 concurrent;
//   concurrent issues on one branch stay gapless.
import { load, percentile, startLocalWorker } from "./local-worker.ts";

const TARGETS = { listP95Ms: 150, createIssueP95Ms: 250 };

export async function run(args: string[]) {
  const n = Number(args[0] ?? 300);
  const worker = await startLocalWorker({ port: 8799, customers: "300,200" });
  try {
    const auth = { authorization: `Bearer ${worker.credentials.apiKey}`, "content-type": "application/json" };
    const get = async (path: string) => {
      const res = await fetch(worker.baseUrl + path, { headers: auth });
      if (!res.ok) throw new Error(`${res.status}`);
      return res.json() as Promise<any>;
    };
    const post = async (path: string, body?: unknown) => {
      const res = await fetch(worker.baseUrl + path, { method: "POST", headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    const branches = (await get("/v1/branches")).data;
    const branch = branches[0];
    const customer = (await get("/v1/customers?limit=1")).data[0];

    await load(20, 5, async () => void (await get("/v1/invoices?limit=50"))); // warm-up
    const list = await load(n, 10, async () => void (await get("/v1/invoices?limit=50")));
    const overdue = await load(Math.floor(n / 2), 10, async () => void (await get("/v1/invoices?overdue=true&limit=50")));
    const numbers: string[] = [];
    const issue = await load(Math.floor(n / 2), 10, async () => {
      const draft = await post("/v1/invoices", { customerId: customer.id, branchId: branch.id, currency: branch.currency, lines: [{ description: "Bench service", quantity: 1, unitPrice: 12345 }] });
      numbers.push((await post(`/v1/invoices/${draft.id}/issue`)).number);
    });
    const seqs = numbers.map((x) => Number(x.split("-").pop())).sort((a, b) => a - b);
    const gapless = seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1);

    const stats = (r: Awaited<ReturnType<typeof load>>) => ({
      requests: r.latencies.length,
      errors: r.errors,
      rps: Math.round(r.latencies.length / r.seconds),
      p50Ms: Math.round(percentile(r.latencies, 50)),
      p95Ms: Math.round(percentile(r.latencies, 95)),
      p99Ms: Math.round(percentile(r.latencies, 99)),
    });
    const result = { listInvoices: stats(list), listOverdue: stats(overdue), createAndIssue: stats(issue), issuedGapless: gapless, issued: numbers.length, targets: TARGETS };
    console.error(JSON.stringify(result, null, 2));
    return {
      ...result,
      meetsTargets: gapless && result.listInvoices.p95Ms < TARGETS.listP95Ms && result.createAndIssue.p95Ms < TARGETS.createIssueP95Ms && list.errors + issue.errors === 0,
    };
  } finally {
    await worker.stop();
  }
}
