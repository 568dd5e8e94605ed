// Naming WHICH entry of an exported audit log is wrong, not only that a root does not match.
// The export carries, beside each entry's bytes, the leaf hash the tree recorded when the entry
// was appended. Those recorded hashes are not trusted: they count only up to the largest signed
// checkpoint whose root they reproduce (then, SHA-256 being collision resistant, they ARE the
// signed leaves). Below that size every entry whose bytes hash to something else is named, and
// the pattern says how it changed: edited in place, two entries swapped, entries deleted (a gap
// in the indices, or the later ones shifted down to hide it). A signed checkpoint the recorded
// tree does not reproduce means the stored tree itself was replaced: a rollback or a fork.
import { toHex } from "./bytes-codec.ts";
import { bytesEqual, nodeHash, type Sha256 } from "./merkle-hash.ts";

export interface LocatedProblem {
  kind: "missing" | "edited" | "reordered" | "shifted" | "rollback";
  /** The first entry index concerned. */
  index: number;
  detail: string;
}

export interface LocateInput {
  /** Export order; `computed` is SHA-256(0x00 ‖ leaf bytes), `recorded` what the tree stored for that index. */
  entries: { index: number; computed: Uint8Array; recorded?: Uint8Array }[];
  /** Authentic (signature-checked) checkpoints. */
  checkpoints: { size: number; rootHash: Uint8Array; source: string }[];
}

/** At most this many problems are listed one by one; the rest are counted. */
const LISTED = 20;

/** Roots of the prefixes of `hashes` for the requested sizes, in one pass (a compact range). */
function prefixRoots(sha256: Sha256, hashes: Uint8Array[], sizes: Set<number>): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const stack: { size: number; hash: Uint8Array }[] = [];
  hashes.forEach((h, i) => {
    let top = { size: 1, hash: h };
    while (stack.length > 0 && stack[stack.length - 1]!.size === top.size) {
      const left = stack.pop()!;
      top = { size: left.size * 2, hash: nodeHash(sha256, left.hash, top.hash) };
    }
    stack.push(top);
    if (sizes.has(i + 1)) {
      let root = stack[stack.length - 1]!.hash;
      for (let k = stack.length - 2; k >= 0; k--) root = nodeHash(sha256, stack[k]!.hash, root);
      out.set(i + 1, root);
    }
  });
  return out;
}

const range = (a: number, b: number) => (a === b ? `entry ${a}` : `entries ${a}–${b}`);

export function locateTampering(sha256: Sha256, input: LocateInput): LocatedProblem[] {
  const problems: LocatedProblem[] = [];

  // 1. Gaps in the indices: rows deleted from storage without renumbering the rest.
  let expected = 0;
  for (const e of input.entries) {
    if (e.index > expected) problems.push({ kind: "missing", index: expected, detail: `${range(expected, e.index - 1)} missing: the indices jump from ${expected - 1} to ${e.index} (deleted from storage)` });
    if (e.index >= expected) expected = e.index + 1;
  }

  // 2. The recorded leaf hashes, authenticated by the largest signed root they reproduce.
  const recorded: Uint8Array[] = [];
  const byIndex = new Map<number, Uint8Array>();
  for (const e of input.entries) byIndex.set(e.index, e.computed);
  for (const e of input.entries) {
    if (e.index !== recorded.length || !e.recorded) break;
    recorded.push(e.recorded);
  }
  const signedSizes = [...new Set(input.checkpoints.map((c) => c.size))].filter((s) => s > 0).sort((a, b) => a - b);
  const roots = prefixRoots(sha256, recorded, new Set(signedSizes));
  let authentic = 0;
  for (const size of signedSizes) {
    const root = roots.get(size);
    if (root && input.checkpoints.some((c) => c.size === size && bytesEqual(c.rootHash, root))) authentic = size;
  }

  // 3. Below that size, every entry whose bytes are not the signed leaf.
  const where = new Map<string, number>();
  for (let i = 0; i < authentic; i++) where.set(toHex(recorded[i]!), i);
  const named = new Set<number>();
  for (let i = 0; i < authentic; i++) {
    const computed = byIndex.get(i);
    if (!computed || named.has(i) || bytesEqual(computed, recorded[i]!)) continue;
    const j = where.get(toHex(computed));
    if (j !== undefined && j !== i) {
      const back = byIndex.get(j);
      if (back && bytesEqual(back, recorded[i]!)) {
        const [a, b] = i < j ? [i, j] : [j, i];
        problems.push({ kind: "reordered", index: a, detail: `entries ${a}${b === a + 1 ? "–" : " and "}${b} reordered: each holds the bytes the signed tree recorded for the other` });
        named.add(i).add(j);
        continue;
      }
      if (j === i + 1) {
        // A run of entries each holding its successor's bytes: one deleted, the rest renumbered down.
        let end = i;
        while (end + 1 < authentic && byIndex.get(end + 1) && bytesEqual(byIndex.get(end + 1)!, recorded[end + 2] ?? new Uint8Array(0))) end++;
        for (let k = i; k <= end; k++) named.add(k);
        problems.push({ kind: "shifted", index: i, detail: `entry ${i} was deleted: ${range(i, end)} hold the bytes signed for ${range(i + 1, end + 1)} (the later entries were renumbered to hide the gap)` });
        continue;
      }
      problems.push({ kind: "reordered", index: i, detail: `entry ${i} holds the bytes the signed tree recorded for entry ${j}: entries were moved` });
      named.add(i);
      continue;
    }
    problems.push({ kind: "edited", index: i, detail: `entry ${i} was edited: its bytes hash to ${toHex(computed).slice(0, 16)}…, the signed tree recorded ${toHex(recorded[i]!).slice(0, 16)}…` });
    named.add(i);
  }

  // 4. Signed sizes beyond what the stored tree reproduces: the tree itself was replaced.
  if (recorded.length > 0) {
    const beyond = signedSizes.filter((s) => s > authentic && s <= recorded.length);
    if (beyond.length > 0) {
      const s = beyond[0]!;
      if (authentic === 0) problems.push({ kind: "rollback", index: 0, detail: `the stored tree reproduces none of the signed roots (first: size ${s}): the log's history was replaced (a rollback or a fork)` });
      else problems.push({
        kind: "rollback",
        index: authentic,
        detail: `the checkpoint at size ${authentic} is not consistent with size ${s}: the stored tree reproduces the signed roots up to size ${authentic} but not the one signed at size ${s} (the log was rolled back to at most ${authentic} and grew a different history)`,
      });
    }
  }

  if (problems.length <= LISTED) return problems;
  const rest = problems.length - LISTED;
  return [...problems.slice(0, LISTED), { kind: problems[LISTED]!.kind, index: problems[LISTED]!.index, detail: `…and ${rest} more problem(s) from entry ${problems[LISTED]!.index} on` }];
}
