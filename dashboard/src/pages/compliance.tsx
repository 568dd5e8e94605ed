// Compliance: what a tax inspector or an auditor asks about an issued document, in tabs. Part
// one (e-invoicing, issue 9) is the Documents tab: an invoice's seal, archive and integrity, a
// seal checked in place against the served or an uploaded file, and for Spain the VERI*FACTU
// record, its chain link, its QR and its submission to the AEAT. Each tab lives in its own
// files under compliance/; a capability adds its tab with one entry in TABS.
import type { ReactNode } from "react";
import { useQueryState } from "../lib/router.tsx";
import { PageHeader } from "../ui/bits.tsx";
import { AuditSections } from "./audit.tsx";
import { DocumentsTab } from "./compliance/documents-tab.tsx";

interface Tab {
  id: string;
  label: string;
  render: () => ReactNode;
}

const TABS: Tab[] = [
  // E-invoicing (issue 9)
  { id: "documents", label: "Documents", render: () => <DocumentsTab /> },
  // Audit and records (issue 10)
  { id: "audit", label: "Audit and records", render: () => <AuditSections /> },
];

export function Compliance() {
  const q = useQueryState();
  const current = TABS.find((t) => t.id === q.get("tab")) ?? TABS[0]!;
  return (
    <>
      <PageHeader title="Compliance" subtitle="Tamper-evident, verifiable records of what was issued: seals, archive integrity and tax-authority records." />
      <div className="tabs" role="tablist" aria-label="Compliance sections">
          {TABS.map((t) => (
            <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={t.id === current.id} aria-controls={`panel-${t.id}`} className={`tab ${t.id === current.id ? "tab-active" : ""}`} onClick={() => q.set({ tab: t.id === TABS[0]!.id ? undefined : t.id })}>
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`}>
        {current.render()}
      </div>
    </>
  );
}
