// Calls into a branch's InvoiceSequence Durable Object and turns its error data back into errors.
import { DomainError } from "../domain/errors.ts";
import type { InvoiceSequence, SequenceResult } from "../../durable-objects/invoice-sequence.ts";

export function sequenceFor(env: Env, branchId: string): DurableObjectStub<InvoiceSequence> {
  return env.INVOICE_SEQUENCE.getByName(branchId);
}

export function unwrapSequenceResult(result: SequenceResult): { seq: number; number: string } {
  if (result.ok) return result.value;
  throw new DomainError(result.kind, result.code, result.message);
}
