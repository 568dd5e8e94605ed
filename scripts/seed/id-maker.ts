// Time-sortable ids (the domain's ULID-like layout) whose random part comes from one seeded
// stream per prefix, so each table's ids depend only on that table's rows.
import { timeSortableId } from "../../workers/domain/ids.ts";
import type { Random } from "./random.ts";

export class IdMaker {
  private readonly root: Random;
  private readonly streams = new Map<string, Random>();

  constructor(root: Random) {
    this.root = root;
  }

  /** An id with prefix `prefix` (e.g. "inv") for something that happened at `timeMs`. */
  next(prefix: string, timeMs: number): string {
    let stream = this.streams.get(prefix);
    if (!stream) {
      stream = this.root.derive("ids", prefix);
      this.streams.set(prefix, stream);
    }
    const rng = stream;
    return timeSortableId(prefix, timeMs, (length) => rng.bytes(length));
  }
}
