import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONTACT_OWNERS } from "../../../workers/domain/erp/three-way.ts";
import { normalContact, planRemoteContact, type ContactView } from "../../../workers/domain/erp/contact-changes.ts";

const base: ContactView = { name: "Ana Ruiz", email: "ana@example.es", taxId: null };

describe("planRemoteContact", () => {
  it("applies an ERP-only edit when the ERP owns contacts, with exactly the changed fields", () => {
    const theirs = { ...base, email: "ana.ruiz@example.es" };
    expect(planRemoteContact(base, base, theirs, "erp")).toEqual({ kind: "apply", fields: ["email"], changes: { email: "ana.ruiz@example.es" } });
  });

  it("ignores an ERP-only edit when Ledgerline owns contacts, naming the fields", () => {
    const action = planRemoteContact(base, base, { ...base, name: "Ana R." }, "ledgerline");
    expect(action.kind).toBe("ignore");
    expect(action.kind === "ignore" && action.fields).toEqual(["name"]);
  });

  it("sends an ERP-only edit to review when the setting is review, with all three sides", () => {
    const theirs = { ...base, taxId: "B12345678" };
    const action = planRemoteContact(base, base, theirs, "review");
    expect(action).toMatchObject({ kind: "conflict", fields: ["taxId"], ours: base, theirs, base });
  });

  it("is a conflict whatever the owner when both sides edited the same group differently", () => {
    for (const owner of CONTACT_OWNERS) {
      expect(planRemoteContact(base, { ...base, name: "Ana Ruiz SL" }, { ...base, email: "x@example.es" }, owner).kind).toBe("conflict");
    }
  });

  it("does nothing when both sides made the same edit, and leaves an edit made only here to the outbound sync", () => {
    const edited = { ...base, email: "new@example.es" };
    expect(planRemoteContact(base, edited, edited, "erp")).toEqual({ kind: "none" });
    expect(planRemoteContact(base, edited, base, "erp")).toEqual({ kind: "outbound", fields: ["email"] });
  });

  it("never renames a customer to an empty name, even when the ERP owns contacts", () => {
    expect(planRemoteContact(base, base, { ...base, name: "" }, "erp").kind).toBe("conflict");
  });

  it("reads blank and missing values as the same empty value", () => {
    expect(normalContact({ name: " Ana ", email: "", taxId: undefined })).toEqual({ name: "Ana", email: null, taxId: null });
  });

  const view = fc.record({ name: fc.constantFrom("A", "B", ""), email: fc.constantFrom(null, "a@x.es", "b@x.es"), taxId: fc.constantFrom(null, "T1") });
  it("never applies a change to a field the ERP did not change, and never applies when we changed the group", () => {
    fc.assert(
      fc.property(view, view, view, fc.constantFrom(...CONTACT_OWNERS), (b, o, t, owner) => {
        const action = planRemoteContact(b, o, t, owner);
        if (action.kind !== "apply") return;
        expect(owner).toBe("erp");
        expect(o).toEqual(b);
        for (const [f, v] of Object.entries(action.changes)) {
          expect(v).toBe(t[f as keyof ContactView]);
          expect(v).not.toBe(b[f as keyof ContactView]);
        }
      }),
    );
  });
});
