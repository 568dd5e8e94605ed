// Resource types derived from the generated OpenAPI paths, so they follow the served document
// whether its schemas are inline or named components.
import type { paths } from "./schema.gen.ts";

type Json<R> = R extends { content: { "application/json": infer T } } ? T : never;
type Ok<Op> = Op extends { responses: { 200: infer R } } ? Json<R> : Op extends { responses: { 201: infer R } } ? Json<R> : never;
type Item<L> = L extends { data: Array<infer T> } ? T : never;

export type Branch = Item<Ok<paths["/v1/branches"]["get"]>>;
export type Invoice = Ok<paths["/v1/invoices/{id}"]["get"]>;
export type InvoiceList = Ok<paths["/v1/invoices"]["get"]>;
export type InvoiceQuery = NonNullable<paths["/v1/invoices"]["get"]["parameters"]["query"]>;
export type InvoiceStatus = Invoice["status"];
export type Customer = Ok<paths["/v1/customers/{id}"]["get"]>;
export type Payment = Ok<paths["/v1/payments/{id}"]["get"]>;
export type PaymentMethod = Payment["method"];
export type CreditNote = Ok<paths["/v1/credit-notes/{id}"]["get"]>;
export type ApiKey = Item<Ok<paths["/v1/api-keys"]["get"]>>;
export type CreatedApiKey = Ok<paths["/v1/api-keys"]["post"]>;
export type LoginResult = Ok<paths["/auth/login"]["post"]>;
export type StaffUser = LoginResult["user"];
export type Seller = NonNullable<Invoice["seller"]>;
export type Buyer = NonNullable<Invoice["buyer"]>;
export type PostalAddress = NonNullable<Seller["address"]>;
export type CustomerBalance = Ok<paths["/v1/customers/{id}/balance"]["get"]>;
export type CurrencyBalance = CustomerBalance["balances"][number];
export type EventPipeline = Ok<paths["/v1/ops/events"]["get"]>;
export type OpsMetrics = Ok<paths["/v1/ops/metrics"]["get"]>;
export type RouteMetrics = OpsMetrics["routes"][number];
export type DeadLetterList = Ok<paths["/v1/ops/dead-letters"]["get"]>;
export type DeadLetter = DeadLetterList["data"][number];
export type StaffMember = Ok<paths["/v1/staff/{id}"]["get"]>;
export type StaffRole = StaffMember["role"];
export type StaffList = Ok<paths["/v1/staff"]["get"]>;
export type CreatedStaffMember = Ok<paths["/v1/staff"]["post"]>;
export type InvoiceEventList = Ok<paths["/v1/invoices/{id}/events"]["get"]>;
export type InvoiceEvent = InvoiceEventList["data"][number];
export type ReceivablesAging = Ok<paths["/v1/receivables/aging"]["get"]>;
export type CurrencyAging = ReceivablesAging["currencies"][number];
export type AgingBucket = CurrencyAging["buckets"][number]["bucket"];
export type OverdueCustomer = ReceivablesAging["topOverdueCustomers"][number];
// Forecasting and risk (issue 12)
export type CashflowForecast = Ok<paths["/v1/analytics/forecast/cashflow"]["get"]>;
export type CashflowPeriod = CashflowForecast["weeks"][number];
export type ForecastAccuracy = Ok<paths["/v1/analytics/forecast/accuracy"]["get"]>;
export type CustomerRiskList = Ok<paths["/v1/analytics/forecast/risk"]["get"]>;
export type CustomerRisk = CustomerRiskList["data"][number];
// Billing runs (issue 13)
export type BillingRun = Item<Ok<paths["/v1/billing-runs"]["get"]>>;
