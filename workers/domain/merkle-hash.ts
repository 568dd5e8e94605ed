// The RFC 9162 (§2.1.1) hash definitions, the ONLY code the audit log's writer and its verifiers
// (the offline CLI, the dashboard's Verify button) share. SHA-256 is passed in because the pure
// core has no crypto: the Durable Object hands in node:crypto, the browser and CLI their own.

export type Sha256 = (data: Uint8Array) => Uint8Array;

export const HASH_SIZE = 32;

/** MTH({}) = SHA-256() */
export function emptyRoot(sha256: Sha256): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** Leaf hash: SHA-256(0x00 ‖ leaf). The prefix keeps a leaf from posing as an inner node. */
export function leafHash(sha256: Sha256, leaf: Uint8Array): Uint8Array {
  const input = new Uint8Array(leaf.length + 1);
  input[0] = 0x00;
  input.set(leaf, 1);
  return sha256(input);
}

/** Inner node hash: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(sha256: Sha256, left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** The largest power of two strictly below n (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
