// Fires the Worker's cron triggers against a local wrangler dev, on the schedule wrangler.toml
// gives them (wrangler dev only runs them when asked). Only the three shapes we use are parsed.
import { readFileSync } from "node:fs";

function cronsFromWranglerToml(): string[] {
  const toml = readFileSync("wrangler.toml", "utf8");
  const match = /crons\s*=\s*\[([^\]]*)\]/.exec(toml);
  return match ? [...match[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) : [];
}

/** True when a 5-field cron expression with "*" or plain numbers matches the UTC minute. */
export function cronMatches(cron: string, at: Date): boolean {
  const [minute, hour, dom, month, dow] = cron.split(/\s+/);
  const ok = (field: string | undefined, value: number) => field === "*" || (field?.split(",").some((v) => Number(v) === value) ?? false);
  return ok(minute, at.getUTCMinutes()) && ok(hour, at.getUTCHours()) && ok(dom, at.getUTCDate()) && ok(month, at.getUTCMonth() + 1) && ok(dow, at.getUTCDay());
}

export function cronTicker(baseUrl: string): () => void {
  const crons = cronsFromWranglerToml();
  const tick = async () => {
    const now = new Date();
    for (const cron of crons.filter((c) => cronMatches(c, now))) {
      try {
        await fetch(`${baseUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}&time=${now.getTime()}`);
      } catch {
        // wrangler dev not up yet: the next minute will try again
      }
    }
  };
  let interval: NodeJS.Timeout | undefined;
  // Start on the next minute boundary, then every minute.
  const first = setTimeout(() => {
    void tick();
    interval = setInterval(tick, 60_000);
  }, 60_000 - (Date.now() % 60_000));
  return () => {
    clearTimeout(first);
    if (interval) clearInterval(interval);
  };
}
