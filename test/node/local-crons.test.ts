// npm start's cron ticker fires exactly the crons wrangler.toml declares, on the minutes they name.
import { CorePaths } from "miniflare"; // the runtime wrangler dev uses (pinned in package.json overrides)
import { describe, expect, it } from "vitest";
import { cronMatches, cronsFromWranglerToml, scheduledPath } from "../../scripts/local-crons.ts";

const at = (iso: string) => new Date(iso);

describe("local cron ticker", () => {
  it("reads the crons from wrangler.toml", () => {
    const crons = cronsFromWranglerToml();
    expect(crons.length).toBeGreaterThan(0);
    expect(crons).toContain("* * * * *");
    // Only "*", plain numbers and lists are understood; anything else must be added to cronMatches first.
    for (const cron of crons) for (const field of cron.split(/\s+/)) expect(field, cron).toMatch(/^(\*|\d+(,\d+)*)$/);
  });

  it("matches on the UTC minute, hour, day, month and weekday", () => {
    expect(cronMatches("* * * * *", at("2026-12-01T19:41:30Z"))).toBe(true);
    expect(cronMatches("0 6 * * *", at("2026-12-01T06:00:59Z"))).toBe(true);
    expect(cronMatches("0 6 * * *", at("2026-12-01T06:01:00Z"))).toBe(false);
    expect(cronMatches("0 6 * * *", at("2026-12-01T07:00:00+01:00"))).toBe(true);
    expect(cronMatches("30 2 * * *", at("2026-12-01T02:30:00Z"))).toBe(true);
    expect(cronMatches("0,30 * 1 12 2", at("2026-12-01T10:30:00Z"))).toBe(true); // a Tuesday
    expect(cronMatches("0,30 * 1 12 3", at("2026-12-01T10:30:00Z"))).toBe(false);
  });

  it("fires through the trigger path of the installed miniflare (an unknown path would get the SPA page)", () => {
    expect(scheduledPath).toBe(CorePaths.SCHEDULED);
  });
});
