// Audit and records (issue 10): verify the audit log in the browser, browse its entries, the
// retention policies and legal holds, and (staff admins) the tax-rate changes to approve. Part two
// of the Compliance page (its "Audit and records" tab); /audit stays as a deep link to the same.
import { can, useSession } from "../lib/session.ts";
import { PageHeader } from "../ui/bits.tsx";
import { EntryBrowser } from "./audit/entry-browser.tsx";
import { RetentionAndHolds } from "./audit/retention-holds.tsx";
import { TaxChanges } from "./audit/tax-changes.tsx";
import { VerifyLog } from "./audit/verify-log.tsx";
import { Witness } from "./audit/witness.tsx";

export function Audit() {
  return (
    <>
      <PageHeader title="Audit and records" subtitle="A tamper-evident log of every change, how long records are kept, and tax-rate updates." />
      <AuditSections />
    </>
  );
}

export function AuditSections() {
  const admin = can(useSession(), "admin");
  return (
    <>
      <VerifyLog />
      <Witness admin={admin} />
      <EntryBrowser />
      <RetentionAndHolds />
      {admin && <TaxChanges />}
    </>
  );
}
