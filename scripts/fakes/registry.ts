// Every local fake provider, in one list: `npm start` starts them all and points the Worker at
// them (one variable each), the worker tests do the same (vitest.config.ts), and
// `npm run fake-provider -- <name> --port N` serves one alone. A new fake adds one entry here.
import type { FakeDefinition, RunningFake } from "./fake-server.ts";
import { serveFake } from "./fake-server.ts";
// audit (issue 10): the checkpoint witness
import { witnessFake } from "./witness.ts";
// audit and records (issue 10): the tax-rate feed
import { taxFeedFake } from "./tax-feed.ts";
// audit and records (issue 10): the European Commission's TEDB, the second rate source
import { tedbFake } from "./tedb.ts";
// dunning (issue 7): the three reminder channels
import { emailFake } from "./email.ts";
import { twilioFake } from "./twilio.ts";
import { whatsappFake } from "./whatsapp.ts";
// ERP (issue 8)
import { xeroFake } from "./xero.ts";
import { netsuiteFake } from "./netsuite.ts";
import { qboFake } from "./qbo.ts";
// e-invoicing (issue 9): the AEAT VERI*FACTU service
import { aeatFake } from "./aeat.ts";

export const fakeDefinitions: readonly FakeDefinition[] = [
  // dunning (issue 7)
  emailFake,
  twilioFake,
  whatsappFake,
  // ERP (issue 8)
  xeroFake,
  netsuiteFake,
  qboFake,
  // audit (issue 10)
  witnessFake,
  // e-invoicing (issue 9)
  aeatFake,
  // audit and records (issue 10)
  taxFeedFake,
  tedbFake,
];

/** Starts every fake on a free port; `vars` maps each one's envVar to its URL. */
export async function startAllFakes(): Promise<{ running: RunningFake[]; vars: Record<string, string>; close(): Promise<void> }> {
  const running = await Promise.all(fakeDefinitions.map((d) => serveFake(d)));
  return {
    running,
    vars: Object.fromEntries(running.map((r) => [r.definition.envVar, r.url])),
    close: async () => void (await Promise.all(running.map((r) => r.close()))),
  };
}
