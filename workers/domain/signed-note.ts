// C2SP signed notes (signed-note.md) carrying a tlog checkpoint (tlog-checkpoint.md), Ed25519
// signature type 0x01. Text only: signing and verifying happen outside the pure core (WebCrypto).
//   body     = "<origin>\n<size>\n<base64 root>\n"
//   note     = body + "\n" + one line per signature: "— <key name> <base64(key ID ‖ signature)>\n"
//   key ID   = SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[:4]
//   verifier = "<name>+<hex key ID>+<base64(0x01 ‖ public key)>"
import { fromBase64, fromHex, toBase64, toHex, utf8Encode } from "./bytes-codec.ts";
import type { Sha256 } from "./merkle-hash.ts";

const ED25519 = 0x01;
const EM_DASH = "\u2014";

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
}

export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
}

export interface VerifierKey {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

export function checkpointBody(cp: Checkpoint): string {
  return `${cp.origin}\n${cp.size}\n${toBase64(cp.rootHash)}\n`;
}

export function keyIdOf(sha256: Sha256, name: string, publicKey: Uint8Array): Uint8Array {
  const nameBytes = utf8Encode(`${name}\n`);
  const input = new Uint8Array(nameBytes.length + 1 + publicKey.length);
  input.set(nameBytes);
  input[nameBytes.length] = ED25519;
  input.set(publicKey, nameBytes.length + 1);
  return sha256(input).slice(0, 4);
}

export function formatVerifierKey(sha256: Sha256, name: string, publicKey: Uint8Array): string {
  const typed = new Uint8Array(1 + publicKey.length);
  typed[0] = ED25519;
  typed.set(publicKey, 1);
  return `${name}+${toHex(keyIdOf(sha256, name, publicKey))}+${toBase64(typed)}`;
}

/** Throws a SyntaxError naming what is wrong; checks that the key ID matches the key. */
export function parseVerifierKey(sha256: Sha256, text: string): VerifierKey {
  const parts = text.trim().split("+");
  if (parts.length !== 3) throw new SyntaxError("a verifier key is <name>+<hex key id>+<base64 key>");
  const [name, idHex, keyB64] = parts as [string, string, string];
  const typed = fromBase64(keyB64);
  if (typed[0] !== ED25519 || typed.length !== 33) throw new SyntaxError("the verifier key is not an Ed25519 (type 0x01) key");
  const publicKey = typed.slice(1);
  const keyId = fromHex(idHex);
  if (toHex(keyIdOf(sha256, name, publicKey)) !== toHex(keyId)) throw new SyntaxError("the verifier key's ID does not match its name and key");
  return { name, keyId, publicKey };
}

export function formatNote(body: string, signatures: readonly NoteSignature[]): string {
  const lines = signatures.map((s) => {
    const blob = new Uint8Array(s.keyId.length + s.signature.length);
    blob.set(s.keyId);
    blob.set(s.signature, s.keyId.length);
    return `${EM_DASH} ${s.name} ${toBase64(blob)}\n`;
  });
  return `${body}\n${lines.join("")}`;
}

/** Splits a note into its signed body and signature lines; throws a SyntaxError when malformed. */
export function parseNote(text: string): { body: string; signatures: NoteSignature[] } {
  const split = text.lastIndexOf("\n\n");
  if (split < 0 || !text.endsWith("\n")) throw new SyntaxError("a signed note is a body, a blank line and signature lines, each ending in a newline");
  const body = text.slice(0, split + 1);
  const signatures = text
    .slice(split + 2, -1)
    .split("\n")
    .map((line) => {
      const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!m) throw new SyntaxError(`not a signature line: ${JSON.stringify(line)}`);
      const blob = fromBase64(m[2]!);
      if (blob.length < 5) throw new SyntaxError("a signature line is too short");
      return { name: m[1]!, keyId: blob.slice(0, 4), signature: blob.slice(4) };
    });
  if (signatures.length === 0) throw new SyntaxError("the note has no signature");
  return { body, signatures };
}

export function parseCheckpoint(body: string): Checkpoint {
  const lines = body.split("\n");
  const [origin, sizeText, rootText] = lines;
  if (!origin || sizeText === undefined || rootText === undefined || !/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new SyntaxError("a checkpoint body is origin, size and base64 root hash on three lines");
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new SyntaxError("the checkpoint size is too large");
  const rootHash = fromBase64(rootText);
  if (rootHash.length !== 32) throw new SyntaxError("the checkpoint root is not a 32-byte hash");
  return { origin, size, rootHash };
}

/** The signature of `key` on a note, if it has one (verifiers ignore signatures by unknown keys). */
export function signatureBy(note: { signatures: readonly NoteSignature[] }, key: VerifierKey): NoteSignature | undefined {
  return note.signatures.find((s) => s.name === key.name && toHex(s.keyId) === toHex(key.keyId));
}
