// The staff dashboard: sign in, then the franchise's branches and overdue invoices, read
// through the same /v1 API partners use (a staff session token is a Bearer token).
const $ = (sel) => document.querySelector(sel);
const tokenKey = "ledgerline.session";

async function api(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${sessionStorage.getItem(tokenKey)}` } });
  if (res.status === 401) {
    // Expired or logged out elsewhere: back to the sign-in form.
    sessionStorage.removeItem(tokenKey);
    $("#login-error").textContent = "Your session ended; please sign in again.";
    show();
    throw new Error("session expired");
  }
  return res.json();
}

// minorUnits is the ISO 4217 exponent the API reports (JPY 0, EUR 2, KWD 3); Intl's own digits
// follow CLDR, which differs for some currencies. The amount goes in as an exact decimal string.
const money = (minor, currency, minorUnits) => {
  const digits = String(Math.abs(minor)).padStart(minorUnits + 1, "0");
  const decimal = `${minor < 0 ? "-" : ""}${minorUnits === 0 ? digits : `${digits.slice(0, -minorUnits)}.${digits.slice(-minorUnits)}`}`;
  return new Intl.NumberFormat(undefined, { style: "currency", currency, minimumFractionDigits: minorUnits, maximumFractionDigits: minorUnits }).format(decimal);
};

function row(cells) {
  const tr = document.createElement("tr");
  for (const [text, cls] of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.append(td);
  }
  return tr;
}

async function loadOverview() {
  const [branches, overdue] = await Promise.all([api("/v1/branches?limit=200"), api("/v1/invoices?overdue=true&limit=50")]);
  $("#branches tbody").replaceChildren(...branches.data.map((b) => row([[b.code], [b.name], [b.timezone], [b.currency]])));
  $("#overdue tbody").replaceChildren(
    ...overdue.data.map((i) => row([[i.number], [i.dueDate], [String(i.daysPastDue)], [i.agingBucket], [money(i.balanceDue, i.currency, i.minorUnits), "num"]])),
  );
}

function show() {
  const signedIn = sessionStorage.getItem(tokenKey) !== null;
  $("#login").hidden = signedIn;
  $("#overview").hidden = !signedIn;
  $("#logout").hidden = !signedIn;
  if (signedIn) loadOverview().catch(() => {});
}

$("#login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const res = await fetch("/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
  });
  const body = await res.json();
  if (!res.ok) {
    $("#login-error").textContent = body.detail ?? "sign-in failed";
    return;
  }
  sessionStorage.setItem(tokenKey, body.token);
  $("#login-error").textContent = "";
  show();
});

// Ends the session on the server too, so the token is refused even if it was copied.
$("#logout").addEventListener("click", async () => {
  const token = sessionStorage.getItem(tokenKey);
  sessionStorage.removeItem(tokenKey);
  show();
  if (token) await fetch("/auth/logout", { method: "POST", headers: { authorization: `Bearer ${token}` } }).catch(() => {});
});

show();
