// Runs wrk (Debian's /usr/bin/wrk, one thread so it does not fight the Worker for the 2 cores)
// and reads its summary through a Lua done() hook: requests, status counts, p50/p95/p99.
// Falls back to autocannon (same numbers, from node_modules) when wrk is not installed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LoadResult {
  tool: "wrk" | "autocannon";
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Responses by status class of interest: 2xx, 429, other (non-2xx, non-429) and socket errors. */
  ok: number;
  throttled: number;
  errors: number;
}

const WRK = "/usr/bin/wrk";

// Counts statuses per thread (wrk's Lua states are per thread; done() reads them back).
const LUA = `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; throttled = 0; other = 0 end
function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 elseif status == 429 then throttled = throttled + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local o, t, x = 0, 0, 0
  for _, th in ipairs(threads) do o = o + th:get("ok"); t = t + th:get("throttled"); x = x + th:get("other") end
  local e = summary.errors
  io.write(string.format('\\nRESULT {"requests":%d,"durationUs":%d,"ok":%d,"throttled":%d,"other":%d,"socket":%d,"p50":%d,"p95":%d,"p99":%d}\\n',
    summary.requests, summary.duration, o, t, x, e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
`;

let script: string | undefined;

export function runLoad(url: string, opts: { seconds: number; connections: number; headers?: Record<string, string> }): LoadResult {
  if (!existsSync(WRK)) return runAutocannon(url, opts);
  script ??= (() => {
    const file = join(mkdtempSync(join(tmpdir(), "ledgerline-wrk-")), "stats.lua");
    writeFileSync(file, LUA);
    return file;
  })();
  const args = ["-t1", `-c${opts.connections}`, `-d${opts.seconds}s`, "--timeout", "5s", "-s", script];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push("-H", `${k}: ${v}`);
  args.push(url);
  const r = spawnSync(WRK, args, { encoding: "utf8" });
  const line = /RESULT (\{.*\})/.exec(r.stdout ?? "");
  if (!line) throw new Error(`wrk failed: ${r.stdout}\n${r.stderr}`);
  const j = JSON.parse(line[1]!) as Record<string, number>;
  const seconds = j.durationUs! / 1e6;
  return {
    tool: "wrk",
    requests: j.requests!,
    seconds,
    rps: Math.round(j.requests! / seconds),
    p50Ms: j.p50! / 1000,
    p95Ms: j.p95! / 1000,
    p99Ms: j.p99! / 1000,
    ok: j.ok!,
    throttled: j.throttled!,
    errors: j.other! + j.socket!,
  };
}

function runAutocannon(url: string, opts: { seconds: number; connections: number; headers?: Record<string, string> }): LoadResult {
  const args = ["autocannon", "-j", "-c", String(opts.connections), "-d", String(opts.seconds)];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push("-H", `${k}=${v}`);
  args.push(url);
  const r = spawnSync("npx", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const j = JSON.parse(r.stdout) as any;
  const throttled = Number(j.statusCodeStats?.["429"]?.count ?? 0);
  return {
    tool: "autocannon",
    requests: j.requests.total,
    seconds: j.duration,
    rps: Math.round(j.requests.total / j.duration),
    p50Ms: j.latency.p50,
    p95Ms: j.latency.p97_5 ?? j.latency.p90,
    p99Ms: j.latency.p99,
    ok: j["2xx"],
    throttled,
    errors: j.non2xx - throttled + j.errors + j.timeouts,
  };
}
