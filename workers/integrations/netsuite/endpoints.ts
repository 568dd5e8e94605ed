// Where a NetSuite account lives. Hosts are per account (https://<account>.suitetalk.api.netsuite.com,
// the account id lower-cased with "_" as "-": TSTDRV123_SB1 → tstdrv123-sb1); NETSUITE_BASE_URL
// holds "{account}" for it, or points at the fake (one origin serving every account).
export interface NetSuiteEndpoints {
  token: string;
  record: string;
  suiteql: string;
}

export const REAL_NETSUITE_BASE = "https://{account}.suitetalk.api.netsuite.com";

export const accountHost = (accountId: string) => accountId.trim().toLowerCase().replace(/_/g, "-");

export function netsuiteEndpoints(baseUrl: string | undefined, accountId: string): NetSuiteEndpoints {
  const base = (baseUrl || REAL_NETSUITE_BASE).replace(/\/$/, "").replace("{account}", accountHost(accountId));
  return { token: `${base}/services/rest/auth/oauth2/v1/token`, record: `${base}/services/rest/record/v1`, suiteql: `${base}/services/rest/query/v1/suiteql` };
}

/** A NetSuite account id as NetSuite spells them (e.g. 1234567, TSTDRV1234567, 1234567_SB1). */
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9]{1,30}(_[A-Za-z0-9]{1,10})?$/;
