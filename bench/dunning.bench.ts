// npm run bench -- dunning [customers=10000]: one daily dunning run for N overdue customers on a
// local Worker (wrangler dev), through the real path: the cron (fired via --test-scheduled), one
// CustomerDunning DO per customer, the reminders queue and its consumer, to the local fake email
// provider. Every customer has one invoice that went overdue yesterday, so the cadence's
// day-1 step is due today. The cadence sends at any hour (window 00:00–24:00) so the result does
// not depend on when the bench runs. Prints { customers, seconds, messages, peakMemoryMB }:
// seconds from firing the cron until the fake has received every message (or nothing arrived
// for 30 s); peak resident memory of the wrangler + workerd process group.
import { readdirSync, readFileSync } from "node:fs";
import { startAllFakes } from "../scripts/fakes/registry.ts";
import { startLocalWorker } from "./local-worker.ts";

const DAY = 86_400_000;

function setupSql(franchiseId: string, customers: number, today: string): string {
  const created = new Date(Date.parse(`${today}T00:00:00Z`) - 40 * DAY).toISOString();
  const due = new Date(Date.parse(`${today}T00:00:00Z`) - DAY).toISOString().slice(0, 10);
  const issue = new Date(Date.parse(`${due}T00:00:00Z`) - 30 * DAY).toISOString().slice(0, 10);
  const definition = JSON.stringify({
    defaultLanguage: "en",
    steps: [{ id: "d1", trigger: { type: "days_after_due", days: 1 }, channels: ["email"], templates: { en: { subject: "Payment overdue", body: "{{customerName}}: {{amountDue}} overdue ({{invoiceNumbers}}). {{paymentLink}}" } }, escalations: [] }],
    suppression: { windowStartMinute: 0, windowEndMinute: 1440, sendAtMinute: 0, minGapHours: 24, weeklyCap: 3, minAmount: 0 },
  });
  const seq = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${customers})`;
  const branch = `(SELECT id FROM branches WHERE franchise_id = '${franchiseId}' ORDER BY id LIMIT 1)`;
  const currency = `(SELECT currency FROM branches WHERE franchise_id = '${franchiseId}' ORDER BY id LIMIT 1)`;
  const cid = "'cus_00000000000000000b' || printf('%08d', i)";
  return [
    `INSERT INTO dunning_cadences (id, franchise_id, name, segments, version, status, created_at, updated_at) VALUES ('cad_0000000000000000000000bnch', '${franchiseId}', 'Bench', '["bench"]', 1, 'active', '${created}', '${created}');`,
    `INSERT INTO dunning_cadence_versions (franchise_id, cadence_id, version, definition, created_at, created_by) VALUES ('${franchiseId}', 'cad_0000000000000000000000bnch', 1, '${definition.replaceAll("'", "''")}', '${created}', 'system:bench');`,
    `${seq} INSERT INTO customers (id, franchise_id, home_branch_id, name, email, segment, language, timezone, status, version, created_at, updated_at) SELECT ${cid}, '${franchiseId}', ${branch}, 'Bench customer ' || i, 'bench-' || i || '@bench.example', 'bench', 'en', 'UTC', 'active', 1, '${created}', '${created}' FROM n;`,
    `${seq} INSERT INTO customer_channels (franchise_id, customer_id, channel, address, consent, consent_at, opted_out_at, updated_at) SELECT '${franchiseId}', ${cid}, 'email', 'bench-' || i || '@bench.example', 'granted', '${created}', NULL, '${created}' FROM n;`,
    `${seq} INSERT INTO invoices (id, franchise_id, branch_id, customer_id, seq, number, status, currency, issue_date, due_date, due_in_days, subtotal, tax_total, total, amount_paid, amount_credited, tax_breakdown, version, created_at, updated_at, issued_at) SELECT 'inv_00000000000000000b' || printf('%08d', i), '${franchiseId}', ${branch}, ${cid}, 5000000 + i, 'BENCH-' || printf('%08d', i), 'issued', ${currency}, '${issue}', '${due}', 30, 10000, 0, 10000, 0, 0, '[]', 1, '${created}', '${created}', '${created}' FROM n;`,
  ].join("\n");
}

/** Resident memory (MB) of every process in the group: wrangler dev and its workerd. */
function groupRssMb(pgid: number): number {
  let pages = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      pages += Number(readFileSync(`/proc/${entry}/statm`, "utf8").split(" ")[1]);
    } catch {
      // gone meanwhile
    }
  }
  return Math.round((pages * 4096) / 1024 / 1024);
}

export async function run(args: string[]) {
  const customers = Number(args[0] ?? 10_000);
  const port = Number(args[1] ?? 8950 + Math.floor(Math.random() * 40));
  const today = new Date().toISOString().slice(0, 10);
  const fakes = await startAllFakes();
  const worker = await startLocalWorker({
    port,
    customers: "5,5",
    setupSql: async (c) => setupSql(c.franchiseId, customers, today),
    vars: { ...fakes.vars, PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: "error" },
    extraArgs: ["--test-scheduled"],
    readyTimeoutMs: 180_000,
  });
  const emails = fakes.running.find((f) => f.definition.name === "email")!.url;
  const countSent = async () => ((await (await fetch(`${emails}/_fake/requests`)).json()) as { data: Array<{ body: { to?: string[] } }> }).data.filter((r) => r.body.to?.[0]?.endsWith("@bench.example")).length;
  let peak = groupRssMb(worker.pid);
  const sampler = setInterval(() => (peak = Math.max(peak, groupRssMb(worker.pid))), 1000);
  const memory: number[] = [];
  try {
    const started = performance.now();
    const cron = await fetch(`${worker.baseUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("0 6 * * *")}`);
    if (!cron.ok) throw new Error(`cron trigger answered ${cron.status}: ${await cron.text()}`);
    const sweepSeconds = (performance.now() - started) / 1000;
    let messages = 0;
    let lastChange = performance.now();
    while (messages < customers && performance.now() - lastChange < 30_000) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = await countSent();
      memory.push(groupRssMb(worker.pid));
      if (now !== messages) lastChange = performance.now();
      messages = now;
    }
    const seconds = Math.round(((messages >= customers ? performance.now() : lastChange) - started) / 100) / 10;
    return { sweepSeconds: Math.round(sweepSeconds * 10) / 10, memoryMBSamples: memory.filter((_, i) => i % Math.max(1, Math.floor(memory.length / 10)) === 0), customers, seconds, messages, peakMemoryMB: peak };
  } finally {
    clearInterval(sampler);
    await worker.stop();
    await fakes.close();
  }
}
