// npm run bench -- dunning [--customers N] [--state disk|tmpfs] (default 10000, disk): one daily dunning run for N overdue
// customers on a local Worker (wrangler dev), through the real path: the cron (fired via
// --test-scheduled) fans out one wake per customer on the dunning-wakes queue, its consumer
// wakes one CustomerDunning DO per customer, each DO queues its due send on the reminders queue,
// and that consumer sends it to the local fake email provider. Every DO is new (a first-ever
// run); locally a new SQLite-backed DO costs ~8 ms of workerd time however little it does. Every customer has one invoice that went overdue yesterday, so
// the cadence's day-1 step is due today. The cadence sends at any hour (window 00:00–24:00) so
// the result does not depend on when the bench runs. Prints { customers, seconds, messages,
// peakMemoryMB } last: seconds from firing the cron until the fake has received every message (or
// nothing arrived for 30 s); peakMemoryMB: peak resident memory of the workerd processes (sampled
// each second; peakMemoryWithWranglerMB adds wrangler's own node process). Every stage is counted
// (wakes queued by the sweep, DOs woken, sends queued, messages and distinct recipients at the
// fake) and the bench exits 1 when one of them is not exactly N. DUNNING_BENCH_LOG=<file> keeps
// the Worker's log there (else a temporary file, deleted).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAllFakes } from "../scripts/fakes/registry.ts";
import { startCpuProfile, topSelfTime } from "./cpu-profile.ts";
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

/**
 * `--customers N` (or a bare N, as before), `--port P`, and `--state disk|tmpfs` (default disk):
 * where wrangler dev keeps local D1 and the Durable Objects' SQLite files. Locally each new DO is
 * its own SQLite file, created and fsync'ed on the Worker's thread (~3 ms per fsync on this
 * machine's disk); tmpfs (/dev/shm) takes that local-only cost out, to see the code's own.
 */
function parseArgs(args: string[]): { customers: number; port: number; state: "disk" | "tmpfs" } {
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const bare = args.filter((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1]!.startsWith("--")));
  const customers = Number(flag("customers") ?? bare[0] ?? 10_000);
  const port = Number(flag("port") ?? bare[1] ?? 8950 + Math.floor(Math.random() * 40));
  if (!Number.isInteger(customers) || customers < 1) throw new Error(`--customers must be a positive integer, got ${flag("customers") ?? bare[0]}`);
  const state = flag("state") ?? "disk";
  if (state !== "disk" && state !== "tmpfs") throw new Error(`--state must be disk or tmpfs, got ${state}`);
  return { customers, port, state };
}

/** The Worker's stage counts, from its structured log lines (one per sweep, one per wake batch). */
export function stageCounts(log: string): { wakesQueued: number; woken: number; wakeFailures: number; sendsQueued: number; lastWakeAt: number | null } {
  const out = { wakesQueued: 0, woken: 0, wakeFailures: 0, sendsQueued: 0, lastWakeAt: null as number | null };
  for (const line of log.split("\n")) {
    const start = line.indexOf("{");
    if (start < 0 || !line.includes('"msg":"dunning ')) continue;
    let entry: { msg?: string; ts?: string; wakesQueued?: number; woken?: number; failed?: number; enqueued?: number };
    try {
      entry = JSON.parse(line.slice(start));
    } catch {
      continue;
    }
    if (entry.msg === "dunning sweep done") out.wakesQueued += entry.wakesQueued ?? 0;
    if (entry.msg === "dunning wakes") {
      out.woken += entry.woken ?? 0;
      out.wakeFailures += entry.failed ?? 0;
      out.sendsQueued += entry.enqueued ?? 0;
      const at = entry.ts ? Date.parse(entry.ts) : Number.NaN;
      if (Number.isFinite(at)) out.lastWakeAt = Math.max(out.lastWakeAt ?? 0, at);
    }
  }
  return out;
}

export async function run(args: string[]) {
  const { customers, port, state } = parseArgs(args);
  const stateDir = state === "tmpfs" ? mkdtempSync("/dev/shm/ledgerline-dunning-bench-") : undefined;
  const logDir = process.env.DUNNING_BENCH_LOG ? undefined : mkdtempSync(join(tmpdir(), "dunning-bench-log-"));
  const logFile = process.env.DUNNING_BENCH_LOG ?? join(logDir!, "worker.log");
  // DUNNING_BENCH_PROFILE=<file.cpuprofile>: CPU-profile the Worker isolate from the cron to the last message.
  const profileFile = process.env.DUNNING_BENCH_PROFILE;
  const today = new Date().toISOString().slice(0, 10);
  const fakes = await startAllFakes();
  const worker = await startLocalWorker({
    port,
    customers: "5,5",
    setupSql: async (c) => setupSql(c.franchiseId, customers, today),
    // info: the sweep and each wake batch log their counts (a line per batch, not per customer).
    vars: { ...fakes.vars, PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: "info" },
    extraArgs: ["--test-scheduled", ...(profileFile ? ["--inspector-port", String(port + 1000)] : [])],
    readyTimeoutMs: 300_000,
    logFile,
    ...(stateDir ? { stateDir } : {}),
  }).catch(async (error: unknown) => {
    // tmpfs is memory: a failed start must not leave its state behind.
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    await fakes.close();
    throw error;
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
    const profiler = profileFile ? await startCpuProfile(port + 1000).catch((error: Error) => void console.error(`no CPU profile: ${error.message}`)) : undefined;
    const started = performance.now();
    const cron = await fetch(`${worker.baseUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("0 6 * * *")}`);
    if (!cron.ok) throw new Error(`cron trigger answered ${cron.status}: ${await cron.text()}`);
    const sweepSeconds = (performance.now() - started) / 1000;
    let messages = await countSent();
    let lastChange = performance.now();
    // Progress is messages at the fake OR a stage line in the Worker's log (a slow first batch
    // of wakes can come seconds before the first message).
    let logSize = statSync(logFile).size;
    let lastMessageAt = started;
    while (messages < customers && performance.now() - lastChange < 30_000) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await countSent();
      const size = statSync(logFile).size;
      if (now !== messages) lastMessageAt = performance.now();
      if (now !== messages || size !== logSize) lastChange = performance.now();
      messages = now;
      logSize = size;
    }
    const seconds = Math.round(((messages >= customers ? performance.now() : lastMessageAt) - started) / 100) / 10;
    const startedAt = Date.now() - (performance.now() - started);
    if (profiler) {
      const profile = await profiler.stop();
      writeFileSync(profileFile!, JSON.stringify(profile));
      console.error(topSelfTime(profile, 30).map((r) => `${String(r.ms).padStart(7)} ms ${String(r.pct).padStart(5)} %  ${r.fn}`).join("\n"));
    }
    // Let the last log lines reach the file before reading the counts.
    await new Promise((r) => setTimeout(r, 1500));
    const stages = stageCounts(readFileSync(logFile, "utf8"));
    const recorded = ((await (await fetch(`${emails}/_fake/requests`)).json()) as { data: Array<{ body: { to?: unknown } }> }).data;
    const recipients = new Set(recorded.flatMap((r) => [r.body?.to].flat()).filter((t): t is string => typeof t === "string" && t.endsWith("@bench.example")));
    const counts = { wakesQueued: stages.wakesQueued, woken: stages.woken, sendsQueued: stages.sendsQueued, messages, distinctRecipients: recipients.size };
    // The sweep also wakes the demo seed's few overdue customers (not @bench.example): wakes and
    // queued sends may exceed N by those, but every queued wake must be woken, and exactly N
    // bench customers must receive exactly one message each.
    const wrong: string[] = [];
    if (counts.wakesQueued < customers) wrong.push(`wakesQueued=${counts.wakesQueued} (< ${customers})`);
    if (counts.woken !== counts.wakesQueued) wrong.push(`woken=${counts.woken} (queued ${counts.wakesQueued})`);
    if (counts.sendsQueued < customers) wrong.push(`sendsQueued=${counts.sendsQueued} (< ${customers})`);
    if (messages !== customers) wrong.push(`messages=${messages}`);
    if (recipients.size !== customers) wrong.push(`distinctRecipients=${recipients.size}`);
    if (stages.wakeFailures > 0) wrong.push(`wakeFailures=${stages.wakeFailures}`);
    if (wrong.length > 0) {
      console.error(`dunning bench: expected ${customers} at every stage, got ${wrong.join(", ")}`);
      process.exitCode = 1;
    }
    return {
      ok: wrong.length === 0,
      state,
      sweepSeconds: Math.round(sweepSeconds * 10) / 10,
      wakeSeconds: stages.lastWakeAt === null ? null : Math.round((stages.lastWakeAt - startedAt) / 100) / 10,
      stages: counts,
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
    if (logDir) rmSync(logDir, { recursive: true, force: true });
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  }
}
