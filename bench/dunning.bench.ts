// npm run bench -- dunning [customers=10000]: one daily dunning run for N overdue customers on a
// local Worker (wrangler dev), through the real path: the cron (fired via --test-scheduled), one
// CustomerDunning DO per customer, the reminders queue and its consumer, to the local fake email
// provider. Every customer has one invoice that went overdue yesterday, so the cadence's
// day-1 step is due today. The cadence sends at any hour (window 00:00–24:00) so the result does
// not depend on when the bench runs. Prints { customers, seconds, messages, peakMemoryMB }:
// seconds from firing the cron until the fake has received every message (or nothing arrived
// for 30 s); peakMemoryMB: peak resident memory of the workerd processes (sampled each second;
// peakMemoryWithWranglerMB adds wrangler's own node process).
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

/** Resident memory (MB) of the processes in the group, split into workerd (the Worker runtime) and the rest (wrangler's node). */
function groupRssMb(pgid: number): { workerd: number; all: number } {
  let workerd = 0;
  let all = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const pages = Number(readFileSync(`/proc/${entry}/statm`, "utf8").split(" ")[1]);
      all += pages;
      if (stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) === "workerd") workerd += pages;
    } catch {
      // gone meanwhile
    }
  }
  const mb = (pages: number) => Math.round((pages * 4096) / 1024 / 1024);
  return { workerd: mb(workerd), all: mb(all) };
}

export async function run(args: string[]) {
  const customers = Number(args[0] ?? 10_000);
  const port = Number(args[1] ?? 8950 + Math.floor(Math.random() * 40));
  // DUNNING_BENCH_LOG=<file>: keep wrangler dev's output (info-level Worker logs) there.
  const logFile = process.env.DUNNING_BENCH_LOG;
  const today = new Date().toISOString().slice(0, 10);
  const fakes = await startAllFakes();
  const worker = await startLocalWorker({
    port,
    customers: "5,5",
    setupSql: async (c) => setupSql(c.franchiseId, customers, today),
    vars: { ...fakes.vars, PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: logFile ? "info" : "error" },
    extraArgs: ["--test-scheduled"],
    readyTimeoutMs: 300_000,
    ...(logFile ? { logFile } : {}),
  });
  const emails = fakes.running.find((f) => f.definition.name === "email")!.url;
  // A count, not the recorded bodies: polling 10,000 recorded emails each second costs the fake (in this process) real CPU.
  const countSent = async () => ((await (await fetch(`${emails}/_fake/count?toSuffix=@bench.example`)).json()) as { count: number }).count;
  // Memory is the Worker runtime's: workerd's resident set, sampled every second (not this process's heap).
  const idle = groupRssMb(worker.pid);
  let peak = idle;
  const memory: number[] = [];
  const sample = () => {
    const now = groupRssMb(worker.pid);
    peak = { workerd: Math.max(peak.workerd, now.workerd), all: Math.max(peak.all, now.all) };
    memory.push(now.workerd);
  };
  const sampler = setInterval(sample, 1000);
  const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
  const loadBefore = load();
  try {
    const started = performance.now();
    const cron = await fetch(`${worker.baseUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("0 6 * * *")}`);
    if (!cron.ok) throw new Error(`cron trigger answered ${cron.status}: ${await cron.text()}`);
    const sweepSeconds = (performance.now() - started) / 1000;
    let messages = await countSent();
    let lastChange = performance.now();
    while (messages < customers && performance.now() - lastChange < 30_000) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await countSent();
      if (now !== messages) lastChange = performance.now();
      messages = now;
    }
    const seconds = Math.round(((messages >= customers ? performance.now() : lastChange) - started) / 100) / 10;
    return {
      sweepSeconds: Math.round(sweepSeconds * 10) / 10,
      idleMemoryMB: idle.workerd,
      memoryMBSamples: memory.filter((_, i) => i % Math.max(1, Math.floor(memory.length / 10)) === 0),
      peakMemoryWithWranglerMB: peak.all,
      loadAverage: { before: loadBefore, after: load() },
      customers,
      seconds,
      messages,
      peakMemoryMB: peak.workerd,
    };
  } finally {
    clearInterval(sampler);
    await worker.stop();
    await fakes.close();
  }
}
