"use strict";
// The scan list: polls /api/scans every 2 s and redraws when anything changed.
(function () {
  const params = new URLSearchParams(location.search);
  const model = document.getElementById("model");
  const status = document.getElementById("status");
  const sort = document.getElementById("sort");
  status.value = params.get("status") || "";
  sort.value = params.get("sort") || "newest";
  let lastChanges = -1;
  let lastVersions = "";

  function apiUrl() {
    const q = new URLSearchParams();
    if (params.get("model")) q.set("model", params.get("model"));
    if (params.get("status")) q.set("status", params.get("status"));
    if (params.get("sort")) q.set("sort", params.get("sort"));
    const s = q.toString();
    return "/api/scans" + (s ? "?" + s : "");
  }

  function go() {
    const q = new URLSearchParams();
    if (model.value) q.set("model", model.value);
    if (status.value) q.set("status", status.value);
    if (sort.value && sort.value !== "newest") q.set("sort", sort.value);
    const s = q.toString();
    location.search = s ? "?" + s : "";
  }
  model.addEventListener("change", go);
  status.addEventListener("change", go);
  sort.addEventListener("change", go);

  function versionOptions(versions) {
    const key = versions.join(",");
    if (key === lastVersions) return;
    lastVersions = key;
    while (model.options.length > 1) model.remove(1);
    for (const v of versions) model.add(new Option("v" + v, String(v)));
    model.value = params.get("model") || "";
  }

  function row(s) {
    const tr = document.createElement("tr");
    tr.dataset.scanId = s.scanId;
    tr.dataset.status = s.status;
    const td = document.createElement("td");
    const a = bs.el("a", s.scanId);
    a.href = "/scans/" + encodeURIComponent(s.scanId);
    td.appendChild(a);
    tr.appendChild(td);
    tr.appendChild(document.createElement("td")).appendChild(bs.el("span", s.status, "badge st-" + s.status));
    tr.appendChild(bs.el("td", bs.time(s.arrivedAt)));
    tr.appendChild(bs.el("td", bs.time(s.completedAt)));
    const others = s.versions.filter((v) => v !== s.version).map((v) => "v" + v);
    tr.appendChild(bs.el("td", (s.version ? "v" + s.version : "") + (others.length ? " (also " + others.join(", ") + ")" : "")));
    for (const k of ["WT", "TC", "ET"]) tr.appendChild(bs.el("td", s.volumesMl ? bs.num(s.volumesMl[k], 1) : "", "num"));
    for (const k of ["WT", "TC", "ET"]) tr.appendChild(bs.el("td", s.dice ? bs.num(s.dice[k], 3) : "", "num"));
    tr.appendChild(bs.quality(s.quality));
    const f = bs.el("td", s.failure ? s.failure.errorCode + ": " + s.failure.message : "", "msg");
    if (s.failure) f.dataset.errorCode = s.failure.errorCode;
    tr.appendChild(f);
    return tr;
  }

  async function refresh() {
    try {
      const d = await bs.json(apiUrl());
      document.getElementById("error").hidden = true;
      versionOptions(d.modelVersions);
      if (d.changes !== lastChanges) {
        lastChanges = d.changes;
        const body = document.querySelector("#scans tbody");
        body.replaceChildren(...d.scans.map(row));
        document.getElementById("summary").textContent = d.scans.length + " shown of " + d.total + " scans" +
          (d.unattributedFailures ? ", " + d.unattributedFailures + " failures without a scan id" : "");
        document.body.dataset.rows = String(d.scans.length);
      }
    } catch (e) {
      bs.showError("cannot load the scans: " + e.message);
    }
  }
  refresh();
  setInterval(refresh, 2000);
})();
