// The audit log's Merkle tree against the RFC 6962 reference tree (transparency-dev's constants),
// and its writer (stored nodes) against its verifier (RFC 9162 proof checks) for every pair of
// sizes up to 70, plus mutated proofs that must fail.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../workers/domain/bytes-codec.ts";
import { emptyRoot, leafHash, type Sha256 } from "../../../workers/domain/merkle-hash.ts";
import { consistencyProof, inclusionProof, nodesForAppend, rootAt, type NodeReader } from "../../../workers/domain/merkle-tree.ts";
import { rootFromLeaves, verifyConsistency, verifyInclusion } from "../../../workers/domain/merkle-verify.ts";

const sha256: Sha256 = (d) => new Uint8Array(createHash("sha256").update(d).digest());
const reference = JSON.parse(readFileSync("/work/shared/reference/compliance/rfc6962-reference-tree.json", "utf8")) as {
  leaf_inputs_hex: string[];
  root_by_tree_size_hex: Record<string, string>;
  leaf_hashes_hex: string[];
};

/** A writer over an in-memory node table, as the Durable Object keeps it in SQLite. */
function storedTree(leaves: Uint8Array[]) {
  const nodes = new Map<string, Uint8Array>();
  const read: NodeReader = (level, index) => {
    const h = nodes.get(`${level}/${index}`);
    if (!h) throw new Error(`node ${level}/${index} was read but never stored`);
    return h;
  };
  leaves.forEach((leaf, i) => {
    for (const n of nodesForAppend(sha256, i, leafHash(sha256, leaf), read)) nodes.set(`${n.level}/${n.index}`, n.hash);
  });
  return { read, nodes };
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => new TextEncoder().encode(`entry ${i}`));

describe("RFC 6962 reference tree", () => {
  const leaves = reference.leaf_inputs_hex.map(fromHex);

  it("leaf hashes match", () => {
    expect(leaves.map((l) => toHex(leafHash(sha256, l)))).toEqual(reference.leaf_hashes_hex);
  });

  it.each(Object.entries(reference.root_by_tree_size_hex))("root at size %s matches from the writer's nodes and from the verifier's leaves", (size, root) => {
    const n = Number(size);
    const tree = storedTree(leaves.slice(0, n));
    expect(toHex(rootAt(sha256, tree.read, n))).toBe(root);
    expect(toHex(rootFromLeaves(sha256, leaves.slice(0, n)))).toBe(root);
  });

  it("the empty tree is SHA-256 of nothing", () => {
    expect(toHex(emptyRoot(sha256))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("an append stores O(log n) nodes: at most 1 + log2(n) per leaf, n - 1 + n in all", () => {
    const tree = storedTree(leavesOf(1024));
    expect(tree.nodes.size).toBe(2047);
  });
});

describe("proofs from stored nodes verify with RFC 9162's algorithms", () => {
  const N = 70;
  const leaves = leavesOf(N);
  const tree = storedTree(leaves);
  const roots = Array.from({ length: N + 1 }, (_, n) => rootFromLeaves(sha256, leaves.slice(0, n)));

  it("inclusion of every leaf at every size", () => {
    for (let size = 1; size <= N; size++) {
      expect(toHex(rootAt(sha256, tree.read, size))).toBe(toHex(roots[size]!));
      for (let i = 0; i < size; i++) {
        const proof = inclusionProof(sha256, tree.read, i, size);
        expect(verifyInclusion(sha256, i, size, leafHash(sha256, leaves[i]!), proof, roots[size]!), `leaf ${i} of ${size}`).toBe(true);
      }
    }
  });

  it("consistency between every pair of sizes", () => {
    for (let to = 0; to <= N; to++) {
      for (let from = 0; from <= to; from++) {
        const proof = consistencyProof(sha256, tree.read, from, to);
        expect(verifyConsistency(sha256, from, to, roots[from]!, roots[to]!, proof), `${from} → ${to}`).toBe(true);
      }
    }
  });

  it("a wrong leaf, index, size, root or any flipped proof bit fails inclusion", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: N }), fc.nat(), fc.nat(), (size, rawIndex, bit) => {
        const i = rawIndex % size;
        const proof = inclusionProof(sha256, tree.read, i, size);
        const lh = leafHash(sha256, leaves[i]!);
        expect(verifyInclusion(sha256, i, size, leafHash(sha256, leaves[(i + 1) % size]!), proof, roots[size]!)).toBe(false);
        expect(verifyInclusion(sha256, (i + 1) % size, size, lh, proof, roots[size]!)).toBe(false);
        expect(verifyInclusion(sha256, i, size, lh, proof, roots[size - 1]!)).toBe(false);
        expect(verifyInclusion(sha256, i, size, lh, [...proof, proof[0]!], roots[size]!)).toBe(false);
        expect(verifyInclusion(sha256, i, size, lh, proof.slice(1), roots[size]!)).toBe(false);
        const flipped = proof.map((p) => p.slice());
        const at = bit % (flipped.length * 256);
        flipped[Math.floor(at / 256)]![Math.floor((at % 256) / 8)]! ^= 1 << (at % 8);
        expect(verifyInclusion(sha256, i, size, lh, flipped, roots[size]!)).toBe(false);
      }),
    );
  });

  it("a forked history, a swapped size or a flipped proof bit fails consistency", () => {
    const forked = storedTree(leaves.map((l, i) => (i === 5 ? new TextEncoder().encode("edited") : l)));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: N - 1 }), fc.integer({ min: 1, max: N }), fc.nat(), (from, extra, bit) => {
        const to = Math.min(N, from + extra);
        if (to === from) return;
        const proof = consistencyProof(sha256, tree.read, from, to);
        expect(verifyConsistency(sha256, to, from, roots[to]!, roots[from]!, proof)).toBe(false);
        if (from > 5) expect(verifyConsistency(sha256, from, to, roots[from]!, rootAt(sha256, forked.read, to), consistencyProof(sha256, forked.read, from, to))).toBe(false);
        expect(verifyConsistency(sha256, from, to, roots[from]!, roots[to]!, [])).toBe(false);
        const flipped = proof.map((p) => p.slice());
        const at = bit % (flipped.length * 256);
        flipped[Math.floor(at / 256)]![Math.floor((at % 256) / 8)]! ^= 1 << (at % 8);
        expect(verifyConsistency(sha256, from, to, roots[from]!, roots[to]!, flipped)).toBe(false);
      }),
    );
  });

  it("proofs stay O(log n): at most ⌈log2 n⌉ hashes for inclusion, 2⌈log2 n⌉ for consistency", () => {
    const big = storedTree(leavesOf(3000));
    expect(inclusionProof(sha256, big.read, 1234, 3000).length).toBeLessThanOrEqual(12);
    expect(consistencyProof(sha256, big.read, 1001, 3000).length).toBeLessThanOrEqual(24);
  });
});
