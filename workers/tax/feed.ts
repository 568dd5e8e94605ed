// The tax-rate feed the daily sync reads: format "ledgerline-tax-rates/1" (docs/tax-rates.md).
// A feed lists rate periods with the source of each value; it may carry history, and must be
// gap- and overlap-free per (jurisdiction, category) like the table (checked by diffFeed).
import { z } from "zod";
import { TAX_CATEGORIES } from "../domain/tax.ts";
import type { RateChange } from "../domain/tax-periods.ts";
import { DomainError } from "../domain/errors.ts";

export const TAX_FEED_FORMAT = "ledgerline-tax-rates/1";
/** A feed larger than this is refused rather than parsed (a whole EU history is ~100 KB). */
export const MAX_FEED_BYTES = 2_000_000;

const Day = z.iso.date();
export const TaxRateFeed = z.object({
  format: z.literal(TAX_FEED_FORMAT),
  publisher: z.string().min(1).max(200),
  generatedAt: z.iso.datetime(),
  rates: z
    .array(
      z.object({
        jurisdiction: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/),
        category: z.enum(TAX_CATEGORIES),
        ratePpm: z.number().int().min(0).max(1_000_000),
        effectiveFrom: Day,
        effectiveTo: Day.nullable(),
        source: z.string().min(3).max(500),
      }),
    )
    .max(10_000),
});
export type TaxRateFeed = z.infer<typeof TaxRateFeed>;

/** Fetches and parses the feed; a malformed feed is an error naming the first bad field. */
export async function fetchFeed(url: string, fetcher: typeof fetch = fetch): Promise<{ publisher: string; rates: RateChange[] }> {
  const res = await fetcher(url, { headers: { accept: "application/json" } });
  if (!res.ok) throw new DomainError("conflict", "tax_feed_unavailable", `the tax-rate feed answered ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_FEED_BYTES) throw new DomainError("validation", "tax_feed_too_large", `the tax-rate feed is over ${MAX_FEED_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DomainError("validation", "tax_feed_malformed", "the tax-rate feed is not JSON");
  }
  const parsed = TaxRateFeed.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".");
    throw new DomainError("validation", "tax_feed_malformed", `the tax-rate feed is malformed at ${field}: ${issue.message}`, [{ field, message: issue.message }]);
  }
  return { publisher: parsed.data.publisher, rates: parsed.data.rates };
}
