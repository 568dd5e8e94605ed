// The Durable Object serves proofs from stored complete-subtree hashes, fetched up front by
// (level, index). These tests pin that path to RFC 9162 itself: PATH and PROOF written straight
// from §2.1.3.1 / §2.1.4.1 over the leaves (MTH recomputed, nothing stored) must give byte-equal
// proofs at several sizes, non-powers of two included, on the RFC 6962 reference leaves and on
// larger trees; and the node sets the object prefetches must be exactly enough (a reader that
// serves nothing else never misses) and O(log n).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../workers/domain/bytes-codec.ts";
import { emptyRoot, leafHash, nodeHash, type Sha256 } from "../../../workers/domain/merkle-hash.ts";
import { consistencyProof, consistencyProofNodes, inclusionProof, inclusionProofNodes, nodesForAppend, type NodeKey, type NodeReader, rootAt, rootNodes } from "../../../workers/domain/merkle-tree.ts";

const sha256: Sha256 = (d) => new Uint8Array(createHash("sha256").update(d).digest());
const reference = JSON.parse(readFileSync("/work/shared/reference/compliance/rfc6962-reference-tree.json", "utf8")) as { leaf_inputs_hex: string[]; root_by_tree_size_hex: Record<string, string> };

// --- RFC 9162 §2.1 taken literally: everything from the leaf hashes, by recursion. ---
const k = (n: number) => {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
};
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return emptyRoot(sha256);
  if (d.length === 1) return d[0]!;
  const s = k(d.length);
  return nodeHash(sha256, mth(d.slice(0, s)), mth(d.slice(s)));
}
function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}
const proof = (m: number, d: Uint8Array[]) => (m === 0 || m === d.length ? [] : subproof(m, d, true));

/** The object's storage: every complete subtree, written append by append. */
function stored(leafHashes: Uint8Array[]) {
  const nodes = new Map<string, Uint8Array>();
  const read: NodeReader = (l, i) => {
    const h = nodes.get(`${l}/${i}`);
    if (!h) throw new Error(`node ${l}/${i} was never stored`);
    return h;
  };
  leafHashes.forEach((h, i) => {
    for (const n of nodesForAppend(sha256, i, h, read)) nodes.set(`${n.level}/${n.index}`, n.hash);
  });
  return { nodes, read };
}

/** A reader that serves only the prefetched keys, and counts them. */
function only(all: Map<string, Uint8Array>, keys: NodeKey[]): NodeReader {
  const allowed = new Set(keys.map((key) => `${key.level}/${key.index}`));
  return (l, i) => {
    if (!allowed.has(`${l}/${i}`)) throw new Error(`node ${l}/${i} read but not prefetched`);
    return all.get(`${l}/${i}`)!;
  };
}

const hex = (xs: Uint8Array[]) => xs.map(toHex);
const synthetic = (n: number) => Array.from({ length: n }, (_, i) => leafHash(sha256, new TextEncoder().encode(`entry ${i}`)));

describe("stored-node proofs equal RFC 9162's PATH and PROOF", () => {
  it("on the RFC 6962 reference leaves, every index and every pair of sizes 0..8", () => {
    const leaves = reference.leaf_inputs_hex.map((h) => leafHash(sha256, fromHex(h)));
    const tree = stored(leaves);
    for (let size = 0; size <= 8; size++) {
      expect(toHex(rootAt(sha256, only(tree.nodes, rootNodes(size)), size))).toBe(reference.root_by_tree_size_hex[String(size)]);
      for (let i = 0; i < size; i++) {
        const read = only(tree.nodes, inclusionProofNodes(i, size));
        expect(hex(inclusionProof(sha256, read, i, size)), `PATH(${i}, D[0:${size}])`).toEqual(hex(path(i, leaves.slice(0, size))));
      }
      for (let from = 0; from <= size; from++) {
        const read = only(tree.nodes, consistencyProofNodes(from, size));
        expect(hex(consistencyProof(sha256, read, from, size)), `PROOF(${from}, D[0:${size}])`).toEqual(hex(proof(from, leaves.slice(0, size))));
        expect(toHex(rootAt(sha256, read, from))).toBe(reference.root_by_tree_size_hex[String(from)]);
      }
    }
  });

  it.each([13, 64, 100, 255, 257, 1000, 1025])("at size %i (indices and older sizes spread over the tree)", (size) => {
    const leaves = synthetic(size);
    const tree = stored(leaves);
    const expectedRoot = toHex(mth(leaves));
    const picks = [0, 1, size >> 1, size - 2, size - 1].filter((i) => i >= 0);
    for (const i of picks) {
      const read = only(tree.nodes, inclusionProofNodes(i, size));
      expect(toHex(rootAt(sha256, read, size))).toBe(expectedRoot);
      expect(hex(inclusionProof(sha256, read, i, size)), `PATH(${i}, D[0:${size}])`).toEqual(hex(path(i, leaves)));
    }
    for (const from of [1, 2, 7, size >> 1, size - 1, size].filter((f) => f >= 1 && f <= size)) {
      const read = only(tree.nodes, consistencyProofNodes(from, size));
      expect(hex(consistencyProof(sha256, read, from, size)), `PROOF(${from}, D[0:${size}])`).toEqual(hex(proof(from, leaves)));
    }
  });
});

describe("what a proof reads at a million entries", () => {
  // Node addresses only: no tree is built; the counts are what the object fetches per proof.
  const n = 1_000_000;
  it("an inclusion proof, its leaf and the root: at most 2·log2(n) + 2 nodes, one or two statements", () => {
    let worst = 0;
    for (const i of [0, 1, 499_999, 524_287, 524_288, 999_998, 999_999]) worst = Math.max(worst, inclusionProofNodes(i, n).length);
    expect(worst).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 2);
  });
  it("a consistency proof and both roots: at most 3·log2(n) nodes", () => {
    let worst = 0;
    for (const from of [1, 3, 777_777, 524_288, 999_999]) worst = Math.max(worst, consistencyProofNodes(from, n).length);
    expect(worst).toBeLessThanOrEqual(3 * Math.ceil(Math.log2(n)));
  });
  it("an append combines only with the right edge of the tree (the root's nodes)", () => {
    const leaves = synthetic(300);
    const tree = stored(leaves.slice(0, 299));
    const edge = only(tree.nodes, rootNodes(299));
    expect(() => nodesForAppend(sha256, 299, leaves[299]!, edge)).not.toThrow();
  });
});
