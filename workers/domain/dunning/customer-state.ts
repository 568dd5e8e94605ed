// What the planner needs to know about one customer: profile, channels with consent and
// opt-out periods, open invoices with payment and dispute times, promises to pay, past sends.
// Time-bound facts are instants (ISO-8601), so one state describes a whole simulated history.
import type { Channel } from "./cadence.ts";

export interface Period {
  from: string;
  /** null = still in force. */
  to: string | null;
}

export interface ChannelState {
  channel: Channel;
  address: string;
  consent: boolean;
  optOuts: Period[];
  /** Set after a permanent failure (invalid number, hard bounce). */
  unreachableAt: string | null;
}

export interface InvoiceState {
  id: string;
  number: string;
  currency: string;
  dueDate: string;
  amountDue: number;
  /** When it stopped being owed (paid or credited in full); null = still open. */
  settledAt: string | null;
  disputes: Period[];
}

export interface PromiseToPay {
  madeAt: string;
  /** Local date (inclusive) until which chasing pauses. */
  until: string;
}

export interface CustomerState {
  customerId: string;
  name: string;
  segment: string;
  language: string;
  timezone: string;
  doNotContact: boolean;
  /** Channel preference order; channels not listed come after, in step order. */
  preferredChannels: Channel[];
  channels: ChannelState[];
  invoices: InvoiceState[];
  promises: PromiseToPay[];
  /** Instants of messages already sent (for the gap and weekly cap). */
  sentAt: string[];
  paymentLinkBase: string;
}

export interface DunningCalendar {
  /** Local dates on which nothing is sent (the branch's holidays). */
  holidays: string[];
}

export const inPeriod = (periods: readonly Period[], instant: string): boolean => periods.some((p) => p.from <= instant && (p.to === null || instant < p.to));
