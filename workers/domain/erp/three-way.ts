// Who owns what, and what to do with a change read back from an ERP. Each field group has an
// owner; a three-way comparison of the group (the last synced snapshot = base, Ledgerline now =
// ours, the ERP now = theirs) decides: nothing changed, both ended up equal, only we changed it
// (the outbound sync carries it), only the ERP changed it (apply it if the ERP owns the group,
// else ignore it with a reason), or both changed it differently (a person reviews it).
// Provider-neutral: values are plain JSON-comparable fields, no ERP shapes.

export const FIELD_GROUPS = ["amounts", "payment", "status", "contact"] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

/** ledgerline / erp: that side always; first: whichever side changed it first; review: a person decides every ERP change. */
export type Owner = "ledgerline" | "erp" | "first" | "review";
export const CONTACT_OWNERS = ["ledgerline", "erp", "review"] as const;
export type ContactOwner = (typeof CONTACT_OWNERS)[number];

/** Amounts and lines: Ledgerline. Payment status and void: whichever records it first. Contacts: the connection's setting. */
export function ownerOf(group: FieldGroup, contactOwner: ContactOwner): Owner {
  switch (group) {
    case "amounts":
      return "ledgerline";
    case "payment":
    case "status":
      return "first";
    case "contact":
      return contactOwner;
  }
}

export type Fields = Readonly<Record<string, string | number | boolean | null>>;

export type Decision =
  | { kind: "unchanged" }
  | { kind: "converged" }
  | { kind: "outbound"; fields: string[] }
  | { kind: "apply"; fields: string[] }
  | { kind: "ignore"; fields: string[]; reason: string }
  | { kind: "conflict"; fields: string[]; reason: string };

const differs = (a: Fields, b: Fields, f: string) => (a[f] ?? null) !== (b[f] ?? null);

/** The three-way decision for one field group. The field names are the union of the three sides'. */
export function threeWay(group: FieldGroup, owner: Owner, base: Fields, ours: Fields, theirs: Fields): Decision {
  const fields = [...new Set([...Object.keys(base), ...Object.keys(ours), ...Object.keys(theirs)])].sort();
  const erpChanged = fields.filter((f) => differs(theirs, base, f));
  const weChanged = fields.filter((f) => differs(ours, base, f));
  const disagree = fields.filter((f) => differs(theirs, ours, f));
  if (erpChanged.length === 0) return weChanged.length === 0 ? { kind: "unchanged" } : { kind: "outbound", fields: weChanged };
  if (disagree.length === 0) return { kind: "converged" };
  if (weChanged.length > 0) return { kind: "conflict", fields: disagree, reason: `${group} changed on both sides since the last sync` };
  switch (owner) {
    case "erp":
    case "first":
      return { kind: "apply", fields: erpChanged };
    case "ledgerline":
      return { kind: "ignore", fields: erpChanged, reason: `${group} belong to Ledgerline: the ERP's change (${erpChanged.join(", ")}) is not applied` };
    case "review":
      return { kind: "conflict", fields: erpChanged, reason: `${group} changes made in the ERP wait for review (contact owner: review)` };
  }
}

/**
 * The last synced snapshot after a conflict is decided: every field decided "theirs" now holds
 * the ERP's value, so the next comparison sees that change as already agreed (base = theirs) and
 * does not reopen the conflict; fields decided "ours" keep their base (the outbound sync sends
 * ours again). Fields are in the snapshot's own words (the conflict sides are built from it).
 */
export function snapshotAfterDecision(
  snapshot: Readonly<Record<string, unknown>>,
  theirs: Readonly<Record<string, unknown>>,
  choices: Readonly<Record<string, "ours" | "theirs">>,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...snapshot };
  for (const [field, choice] of Object.entries(choices)) if (choice === "theirs" && field in theirs) next[field] = theirs[field];
  return next;
}
