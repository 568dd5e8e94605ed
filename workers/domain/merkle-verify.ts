// Verifying an RFC 9162 log from the outside: the root recomputed from leaves, and the proof
// checks of §2.1.3.2 (inclusion) and §2.1.4.2 (consistency). Written independently of the
// writer (merkle-tree.ts): the two share only merkle-hash.ts, so a bug in one is caught by the other.
import { bytesEqual, emptyRoot, leafHash, nodeHash, type Sha256 } from "./merkle-hash.ts";

/** MTH over leaf inputs, with a stack of perfect subtrees (a compact range) built left to right. */
export function rootFromLeafHashes(sha256: Sha256, leafHashes: Iterable<Uint8Array>): Uint8Array {
  const stack: { size: number; hash: Uint8Array }[] = [];
  for (const h of leafHashes) {
    let top = { size: 1, hash: h };
    while (stack.length > 0 && stack[stack.length - 1]!.size === top.size) {
      const left = stack.pop()!;
      top = { size: left.size * 2, hash: nodeHash(sha256, left.hash, top.hash) };
    }
    stack.push(top);
  }
  if (stack.length === 0) return emptyRoot(sha256);
  let root = stack[stack.length - 1]!.hash;
  for (let i = stack.length - 2; i >= 0; i--) root = nodeHash(sha256, stack[i]!.hash, root);
  return root;
}

export function rootFromLeaves(sha256: Sha256, leaves: Iterable<Uint8Array>): Uint8Array {
  const hashes: Uint8Array[] = [];
  for (const leaf of leaves) hashes.push(leafHash(sha256, leaf));
  return rootFromLeafHashes(sha256, hashes);
}

const odd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}

/** RFC 9162 §2.1.3.2. */
export function verifyInclusion(sha256: Sha256, index: number, size: number, leafHashValue: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHashValue;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(sha256, p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(sha256, r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/** RFC 9162 §2.1.4.2; from = 0 (the empty tree) is consistent with anything, with an empty proof. */
export function verifyConsistency(sha256: Sha256, from: number, to: number, fromRoot: Uint8Array, toRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) return false;
  if (from === to) return proof.length === 0 && bytesEqual(fromRoot, toRoot);
  if (from === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  // A first tree that is a perfect subtree is itself the proof's starting node.
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(sha256, c, fr);
      sr = nodeHash(sha256, c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sha256, sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, fromRoot) && bytesEqual(sr, toRoot);
}
