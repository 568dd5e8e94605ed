// npm run verify-audit -- <export-file> [--key <verifier key>] [--checkpoint <note file>]...
// Verifies an audit export (GET /v1/audit/export) offline, trusting nothing from the server but
// the verifier key you pass (--key; else the one the export names, with a warning) and any
// checkpoints you hold from elsewhere (--checkpoint: e.g. what your witness received, which
// catches a log rolled back behind it). Exit 0 only when every check holds.
import { createHash, webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import { verifyAuditExport, type AuditExportFile } from "../workers/domain/audit-verify.ts";
import type { Sha256 } from "../workers/domain/merkle-hash.ts";

const sha256: Sha256 = (d) => new Uint8Array(createHash("sha256").update(d).digest());

async function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const key = await webcrypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  return webcrypto.subtle.verify("Ed25519", key, signature, message);
}

export async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  let file: string | undefined;
  let verifierKey: string | undefined;
  const held: { note: string; source: string }[] = [];
  while (args.length > 0) {
    const a = args.shift()!;
    if (a === "--key") verifierKey = args.shift();
    else if (a === "--checkpoint") {
      const path = args.shift()!;
      held.push({ note: readFileSync(path, "utf8"), source: `held checkpoint ${path}` });
    } else if (a === "--help" || a === "-h") {
      console.log("usage: npm run verify-audit -- <export-file> [--key <verifier key>] [--checkpoint <note file>]...");
      return 0;
    } else file = a;
  }
  if (!file) {
    console.error("usage: npm run verify-audit -- <export-file> [--key <verifier key>] [--checkpoint <note file>]...");
    return 2;
  }
  let parsed: AuditExportFile;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as AuditExportFile;
  } catch (e) {
    console.error(`✗ cannot read ${file}: ${(e as Error).message}`);
    return 1;
  }
  const report = await verifyAuditExport(sha256, verifyEd25519, parsed, { verifierKey, heldCheckpoints: held });
  for (const f of report.findings) console.log(`${f.ok ? "✓" : "✗"} ${f.check}: ${f.detail}`);
  console.log(report.ok ? `OK: ${report.size} entries verified against ${parsed.origin}` : `FAILED: the audit log does not verify (${report.findings.filter((f) => !f.ok).length} problem(s))`);
  return report.ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
