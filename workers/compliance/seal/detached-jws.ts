// Compact detached JWS (RFC 7515 Appendix F) with an unencoded payload (RFC 7797, b64: false):
// the seal travels as "<protected>..<signature>" and the signature covers
// ASCII(BASE64URL(header)) || "." || the exact document bytes, so no base64 copy of the
// document is made. The protected header names the key and carries the seal time.
// No I/O: the signature itself is made and checked by ed25519-sealer.ts and verify.ts.

export interface SealHeader {
  alg: string;
  kid: string;
  typ: "ledgerline-seal+jws";
  /** ISO 8601 UTC time of sealing. */
  sealedAt: string;
  /** RFC 7797: the payload is signed as is, and verifiers must understand that. */
  b64: false;
  crit: ["b64"];
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Map([...ALPHABET].map((ch, i) => [ch, i]));

export function base64urlEncode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/** null for anything that is not canonical unpadded base64url. */
export function base64urlDecode(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let j = 0;
  for (const ch of text) {
    const v = LOOKUP.get(ch);
    if (v === undefined) return null;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (value >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, or two texts would decode to the same bytes.
  if ((value & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

const utf8 = new TextEncoder();

export function encodeHeader(header: SealHeader): string {
  return base64urlEncode(utf8.encode(JSON.stringify(header)));
}

/** The bytes the signature covers: ASCII(BASE64URL(header) || ".") || document (RFC 7797 §3). */
export function signingInput(encodedHeader: string, document: Uint8Array): Uint8Array {
  // base64url is ASCII: one byte per character, written straight into the one buffer the
  // signature needs (no intermediate encoded copy of the prefix; this runs once per seal).
  const out = new Uint8Array(encodedHeader.length + 1 + document.length);
  for (let i = 0; i < encodedHeader.length; i++) out[i] = encodedHeader.charCodeAt(i) & 0x7f;
  out[encodedHeader.length] = 0x2e; // "."
  out.set(document, encodedHeader.length + 1);
  return out;
}

export const compactDetached = (encodedHeader: string, signature: Uint8Array): string => `${encodedHeader}..${base64urlEncode(signature)}`;

export type ParseFailure = "jws_malformed" | "jws_not_detached" | "header_malformed";

export type ParsedSeal = { ok: true; encodedHeader: string; header: SealHeader; signature: Uint8Array } | { ok: false; check: ParseFailure; detail: string };

/** Splits and decodes a compact detached JWS; says what is wrong instead of throwing. */
export function parseDetachedJws(jws: string): ParsedSeal {
  const parts = jws.split(".");
  if (parts.length !== 3) return { ok: false, check: "jws_malformed", detail: "a compact JWS has three dot-separated parts" };
  const [encodedHeader, payload, sig] = parts as [string, string, string];
  if (payload !== "") return { ok: false, check: "jws_not_detached", detail: "the payload part must be empty: the document travels separately" };
  const headerBytes = base64urlDecode(encodedHeader);
  const signature = base64urlDecode(sig);
  if (!headerBytes || !signature) return { ok: false, check: "jws_malformed", detail: "a part is not base64url" };
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(headerBytes));
  } catch {
    return { ok: false, check: "header_malformed", detail: "the protected header is not UTF-8 JSON" };
  }
  const h = header as Partial<SealHeader> | null;
  if (!h || typeof h !== "object" || typeof h.alg !== "string" || typeof h.kid !== "string" || typeof h.sealedAt !== "string") {
    return { ok: false, check: "header_malformed", detail: "the protected header needs alg, kid and sealedAt" };
  }
  if (h.b64 !== false || !Array.isArray(h.crit) || h.crit.length !== 1 || h.crit[0] !== "b64") {
    return { ok: false, check: "header_malformed", detail: 'the protected header must say b64: false with crit ["b64"] (RFC 7797 unencoded payload)' };
  }
  return { ok: true, encodedHeader, header: h as SealHeader, signature };
}
