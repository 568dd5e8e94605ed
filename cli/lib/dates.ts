// Dates in the CLIs' inputs: ISO `YYYY-MM-DD` (a time part is ignored) or US `M/D/YYYY`, as
// days since 1970-01-01; anything else, or an impossible day, is undefined.

export function parseDay(text: string): number | undefined {
  let y: number;
  let mo: number;
  let d: number;
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?$/.exec(text);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
    if (!m) return undefined;
    [y, mo, d] = [Number(m[3]), Number(m[1]), Number(m[2])];
  }
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / 86_400_000;
}
