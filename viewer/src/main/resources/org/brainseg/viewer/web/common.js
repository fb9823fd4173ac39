"use strict";
// Small helpers shared by the pages. Data goes in with textContent only: nothing from an event is parsed as HTML.
const bs = {
  el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  },
  async json(url) {
    const r = await fetch(url, {cache: "no-store"});
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) {
      const err = new Error(body && body.message ? body.message : "HTTP " + r.status);
      err.status = r.status;
      err.code = body && body.error;
      throw err;
    }
    return body;
  },
  async bytes(url) {
    const r = await fetch(url, {cache: "no-store"});
    if (!r.ok) {
      let msg = "HTTP " + r.status;
      try { const b = await r.json(); if (b && b.message) msg = b.message; } catch (e) { /* not JSON */ }
      const err = new Error(msg);
      err.status = r.status;
      throw err;
    }
    return r.arrayBuffer();
  },
  time(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    const p = (n) => String(n).padStart(2, "0");
    return d.getUTCFullYear() + "-" + p(d.getUTCMonth() + 1) + "-" + p(d.getUTCDate()) + " " +
      p(d.getUTCHours()) + ":" + p(d.getUTCMinutes()) + ":" + p(d.getUTCSeconds()) + "Z";
  },
  num(x, digits) { return x === null || x === undefined ? "" : Number(x).toFixed(digits); },
  // A table cell for a mask's quality estimate: predicted WT Dice and a "review" badge with its reasons as tooltip.
  quality(q) {
    const td = bs.el("td", null, "quality");
    if (!q) return td;
    if (q.predictedDice) td.appendChild(bs.el("span", "WT≈" + bs.num(q.predictedDice.WT, 2) + " "));
    const badge = bs.el("span", q.needsReview ? "review" : "ok", "badge " + (q.needsReview ? "q-review" : "q-ok"));
    if (q.reasons && q.reasons.length) badge.title = q.reasons.join(", ");
    td.dataset.needsReview = String(q.needsReview);
    td.appendChild(badge);
    return td;
  },
  showError(msg) {
    const e = document.getElementById("error");
    e.textContent = msg;
    e.hidden = false;
  },
};

// Who is signed in, and a way out: /auth/me exists only behind a login (404 without one, nothing shown).
(async function signedIn() {
  const header = document.querySelector("header");
  if (!header) return;
  try {
    const me = await bs.json("/auth/me");
    const span = bs.el("span", null, "account");
    span.id = "account";
    span.appendChild(bs.el("span", me.name, "muted"));
    const out = bs.el("a", "sign out");
    out.href = me.logout;
    span.appendChild(out);
    header.appendChild(span);
  } catch (e) { /* no login configured */ }
})();
