// The monthly revenue series: billed vs credited vs recognized, and the deferred balance, where
// deferredEnd(m) = deferredEnd(m − 1) + billed(m) − credited(m) − recognized(m) exactly.

export interface MonthSums {
  month: string;
  billed: number;
  credited: number;
  recognized: number;
}

export interface RevenueMonth extends MonthSums {
  deferredEnd: number;
}

/** `months` in order; missing months are zero; `opening` = deferred balance before the first. */
export function revenueSeries(months: readonly string[], sums: readonly MonthSums[], opening: number): RevenueMonth[] {
  const byMonth = new Map(sums.map((s) => [s.month, s]));
  let deferred = opening;
  return months.map((month) => {
    const s = byMonth.get(month) ?? { month, billed: 0, credited: 0, recognized: 0 };
    deferred += s.billed - s.credited - s.recognized;
    return { month, billed: s.billed, credited: s.credited, recognized: s.recognized, deferredEnd: deferred };
  });
}
