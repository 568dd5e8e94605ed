// What an edit of a contact made in the ERP means for the Ledgerline customer it mirrors. The
// contact group (name, email, tax number) is owned by the connection's setting: "erp" applies the
// ERP's edit here, "ledgerline" ignores it (the next outbound sync puts ours back), "review"
// sends every ERP edit to a person. An edit made on both sides is always a conflict.
import { ownerOf, threeWay, type ContactOwner } from "./three-way.ts";

/** A contact as either side has it, in Ledgerline's words. Empty values are null. */
export interface ContactView {
  name: string;
  email: string | null;
  taxId: string | null;
}

export const CONTACT_FIELDS = ["name", "email", "taxId"] as const;

export type ContactAction =
  | { kind: "none" }
  /** Only Ledgerline changed it: the outbound sync carries it (nothing to do inbound). */
  | { kind: "outbound"; fields: string[] }
  /** Only the ERP changed it and the ERP owns contacts: update the customer with these fields. */
  | { kind: "apply"; fields: string[]; changes: Partial<ContactView> }
  | { kind: "ignore"; fields: string[]; reason: string }
  /** The three sides hold the carried fields only (what a person can choose between). */
  | { kind: "conflict"; fields: string[]; reason: string; ours: Partial<ContactView>; theirs: Partial<ContactView>; base: Partial<ContactView> };

/** Trims and turns "" into null, so "no email" reads the same on every side. */
export function normalContact(c: { name?: unknown; email?: unknown; taxId?: unknown }): ContactView {
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
  return { name: text(c.name) ?? "", email: text(c.email), taxId: text(c.taxId) };
}

export type ContactField = (typeof CONTACT_FIELDS)[number];

/**
 * `carried`: the fields this ERP holds for a contact (QuickBooks has no tax number on a customer
 * here); the others are neither compared nor applied, so their absence is not read as an edit.
 */
export function planRemoteContact(base: ContactView, ours: ContactView, theirs: ContactView, owner: ContactOwner, carried: readonly ContactField[] = CONTACT_FIELDS): ContactAction {
  const only = (v: ContactView): Partial<ContactView> => Object.fromEntries(carried.map((f) => [f, v[f]]));
  const decision = threeWay("contact", ownerOf("contact", owner), only(base), only(ours), only(theirs));
  switch (decision.kind) {
    case "unchanged":
    case "converged":
      return { kind: "none" };
    case "outbound":
      return { kind: "outbound", fields: decision.fields };
    case "apply": {
      // An ERP that blanks the name is not renaming the customer to nothing: that goes to a person.
      if (decision.fields.includes("name") && theirs.name === "")
        return { kind: "conflict", fields: decision.fields, reason: "the ERP cleared the contact's name", ours: only(ours), theirs: only(theirs), base: only(base) };
      const changes = Object.fromEntries(decision.fields.map((f) => [f, theirs[f as keyof ContactView]])) as Partial<ContactView>;
      return { kind: "apply", fields: decision.fields, changes };
    }
    case "ignore":
      return { kind: "ignore", fields: decision.fields, reason: decision.reason };
    case "conflict":
      return { kind: "conflict", fields: decision.fields, reason: decision.reason, ours: only(ours), theirs: only(theirs), base: only(base) };
  }
}
