// The period the demo data covers: `months` full months before the anchor month, plus the anchor
// month up to its first day (the "as of" date). Nothing is dated after the as-of date.
import { addMonths, assertMonth, firstDayOf } from "./time.ts";

export interface DataWindow {
  /** The months with data, oldest first; the last one is the anchor month. */
  months: string[];
  /** Index of the anchor month in `months` (= the number of full months). */
  anchorIndex: number;
  /** YYYY-MM-DD: the anchor month's first day, the last date anything may carry. */
  asOfDate: string;
  /** The first day of the window. */
  startDate: string;
}

export function dataWindow(anchorMonth: string, fullMonths: number): DataWindow {
  assertMonth(anchorMonth, "anchorMonth");
  if (!Number.isInteger(fullMonths) || fullMonths < 1 || fullMonths > 120) throw new RangeError("months must be a whole number from 1 to 120");
  const months = Array.from({ length: fullMonths + 1 }, (_, i) => addMonths(anchorMonth, i - fullMonths));
  return { months, anchorIndex: fullMonths, asOfDate: firstDayOf(anchorMonth), startDate: firstDayOf(months[0]!) };
}
