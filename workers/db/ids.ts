import { timeSortableId } from "../domain/ids.ts";

const randomBytes = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** A new time-sortable id such as "inv_01jd…" (see domain/ids.ts). */
export function newId(prefix: string, at: number = Date.now()): string {
  return timeSortableId(prefix, at, randomBytes);
}
