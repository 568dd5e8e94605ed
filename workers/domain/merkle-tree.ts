// The audit log's writer side of an RFC 9162 Merkle tree, over stored node hashes. Every node of
// a *complete* subtree is kept, addressed by (level, index): level 0 holds leaf hashes, and node
// (l, i) covers leaves [i·2^l, (i+1)·2^l). An append writes one leaf plus the parents it completes
// (O(log n), O(1) amortised); the hash of any range RFC 9162 needs is assembled from O(log n)
// stored nodes, so roots and proofs at any size never read all leaves.
import { emptyRoot, nodeHash, splitPoint, type Sha256 } from "./merkle-hash.ts";

export interface StoredNode {
  level: number;
  index: number;
  hash: Uint8Array;
}

/** Reads a stored node; the tree only asks for nodes of complete subtrees below its size. */
export type NodeReader = (level: number, index: number) => Uint8Array;

/** The nodes to store when the leaf at `index` (the tree's current size) is appended. */
export function nodesForAppend(sha256: Sha256, index: number, leafHashValue: Uint8Array, read: NodeReader): StoredNode[] {
  const out: StoredNode[] = [{ level: 0, index, hash: leafHashValue }];
  let hash = leafHashValue;
  let i = index;
  let level = 0;
  // A right child (odd index) completes its parent: combine with the left sibling, climb.
  while (i % 2 === 1) {
    hash = nodeHash(sha256, read(level, i - 1), hash);
    i = (i - 1) / 2;
    level++;
    out.push({ level, index: i, hash });
  }
  return out;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** A stored node's address: level 0 holds leaf hashes; (l, i) covers leaves [i·2^l, (i+1)·2^l). */
export interface NodeKey {
  level: number;
  index: number;
}

/** Memo of range hashes within one root or proof: the incomplete right-edge ranges nest, so each is hashed once. */
type RangeMemo = Map<string, Uint8Array>;

/** MTH(D[start:end]) for the ranges RFC 9162's recursion produces (start aligned to the split). */
export function rangeHash(sha256: Sha256, read: NodeReader, start: number, end: number, memo?: RangeMemo): Uint8Array {
  const n = end - start;
  if (isPowerOfTwo(n) && start % n === 0) return read(Math.log2(n), start / n);
  const key = `${start}+${n}`;
  const cached = memo?.get(key);
  if (cached) return cached;
  const k = splitPoint(n);
  const hash = nodeHash(sha256, rangeHash(sha256, read, start, start + k, memo), rangeHash(sha256, read, start + k, end, memo));
  memo?.set(key, hash);
  return hash;
}

/** The complete subtrees rangeHash reads for [start, end): O(log n) of them. */
function rangeNodes(start: number, end: number, out: NodeKey[]): void {
  const n = end - start;
  if (n === 0) return;
  if (isPowerOfTwo(n) && start % n === 0) {
    out.push({ level: Math.log2(n), index: start / n });
    return;
  }
  const k = splitPoint(n);
  rangeNodes(start, start + k, out);
  rangeNodes(start + k, end, out);
}

function distinct(keys: NodeKey[]): NodeKey[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = `${k.level}/${k.index}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Every node rootAt(size) reads. */
export function rootNodes(size: number): NodeKey[] {
  const out: NodeKey[] = [];
  rangeNodes(0, size, out);
  return out;
}

/** Every node the leaf hash, the root and the inclusion proof of `index` at `size` read: O(log n), so a caller can fetch them in one query. */
export function inclusionProofNodes(index: number, size: number): NodeKey[] {
  const out: NodeKey[] = [{ level: 0, index }];
  rangeNodes(0, size, out);
  let m = index;
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      rangeNodes(start + k, end, out);
      end = start + k;
    } else {
      rangeNodes(start, start + k, out);
      m -= k;
      start += k;
    }
  }
  return distinct(out);
}

/** Every node the two roots and the consistency proof from → to read. */
export function consistencyProofNodes(from: number, to: number): NodeKey[] {
  const out: NodeKey[] = [];
  rangeNodes(0, from, out);
  rangeNodes(0, to, out);
  if (from > 0 && from < to) {
    let m = from;
    let start = 0;
    let end = to;
    let whole = true;
    for (;;) {
      const n = end - start;
      if (m === n) {
        if (!whole) rangeNodes(start, end, out);
        break;
      }
      const k = splitPoint(n);
      if (m <= k) {
        rangeNodes(start + k, end, out);
        end = start + k;
      } else {
        rangeNodes(start, start + k, out);
        m -= k;
        start += k;
        whole = false;
      }
    }
  }
  return distinct(out);
}

export function rootAt(sha256: Sha256, read: NodeReader, size: number): Uint8Array {
  return size === 0 ? emptyRoot(sha256) : rangeHash(sha256, read, 0, size, new Map());
}

/** RFC 9162 §2.1.3.1 PATH(index, D[0:size]): sibling hashes from the leaf up. Needs index < size. */
export function inclusionProof(sha256: Sha256, read: NodeReader, index: number, size: number): Uint8Array[] {
  const path: Uint8Array[] = [];
  const memo: RangeMemo = new Map();
  const walk = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, start + k);
      path.push(rangeHash(sha256, read, start + k, end, memo));
    } else {
      walk(m - k, start + k, end);
      path.push(rangeHash(sha256, read, start, start + k, memo));
    }
  };
  walk(index, 0, size);
  return path;
}

/** RFC 9162 §2.1.4.1 PROOF(from, D[0:to]); empty when from is 0 or equals to. Needs from ≤ to. */
export function consistencyProof(sha256: Sha256, read: NodeReader, from: number, to: number): Uint8Array[] {
  if (from === 0 || from === to) return [];
  const proof: Uint8Array[] = [];
  const memo: RangeMemo = new Map();
  const sub = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!whole) proof.push(rangeHash(sha256, read, start, end, memo));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, start, start + k, whole);
      proof.push(rangeHash(sha256, read, start + k, end, memo));
    } else {
      sub(m - k, start + k, end, false);
      proof.push(rangeHash(sha256, read, start, start + k, memo));
    }
  };
  sub(from, 0, to, true);
  return proof;
}
