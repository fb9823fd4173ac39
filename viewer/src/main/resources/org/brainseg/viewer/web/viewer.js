"use strict";
// The three-plane viewer: one modality (uint16 steps) and masks (one byte a voxel) fetched by scan id,
// drawn on canvases in radiological convention, with the mask over the image in the BraTS colours.
(function () {
  const scanId = decodeURIComponent(location.pathname.split("/")[2] || "");
  const params = new URLSearchParams(location.search);
  const api = "/api/scans/" + encodeURIComponent(scanId);
  const DISPLAY = 300; // CSS pixels of the longer side of a plane
  const st = {
    info: null, vol: null, data: null, mask: null, masks: {}, pos: [0, 0, 0],
    overlay: params.get("overlay") !== "0", alpha: 0.45, colours: {}, labelNames: {},
  };
  const $ = (id) => document.getElementById(id);

  function planes() {
    const [nx, ny, nz] = st.vol.dims;
    const [si, sj, sk] = st.vol.spacing;
    const [fi, fj, fk] = st.vol.flip;
    const col = (n, flip) => (c) => (flip ? n - 1 - c : c);
    const ci = col(nx, fi), cj = col(ny, fj), ck = col(nz, fk);
    return {
      axial: {w: nx, h: ny, sw: si, sh: sj, axis: 2,
        vox: (c, r) => [ci(c), cj(r), st.pos[2]], at: (p) => [ci(p[0]), cj(p[1])]},
      coronal: {w: nx, h: nz, sw: si, sh: sk, axis: 1,
        vox: (c, r) => [ci(c), st.pos[1], ck(r)], at: (p) => [ci(p[0]), ck(p[2])]},
      sagittal: {w: ny, h: nz, sw: sj, sh: sk, axis: 0,
        vox: (c, r) => [st.pos[0], cj(c), ck(r)], at: (p) => [cj(p[1]), ck(p[2])]},
    };
  }

  function index(i, j, k) { const [nx, ny] = st.vol.dims; return i + nx * (j + ny * k); }

  function grey(q) {
    const v = st.vol.min + q * (st.vol.max - st.vol.min) / 65535;
    const [lo, hi] = st.vol.window;
    return Math.max(0, Math.min(255, Math.round(255 * (v - lo) / Math.max(1e-6, hi - lo))));
  }

  // Draws one plane of the image with an optional mask (null: none) into a canvas; mode "diff" marks disagreement.
  function drawPlane(canvas, p, mask, other) {
    const scale = DISPLAY / Math.max(p.w * p.sw, p.h * p.sh);
    const cw = Math.max(1, Math.round(p.w * p.sw * scale)), ch = Math.max(1, Math.round(p.h * p.sh * scale));
    if (canvas.width !== cw || canvas.height !== ch) { canvas.width = cw; canvas.height = ch; }
    const off = document.createElement("canvas");
    off.width = p.w; off.height = p.h;
    const ctx = off.getContext("2d");
    const img = ctx.createImageData(p.w, p.h);
    const a = st.alpha;
    for (let r = 0; r < p.h; r++) {
      for (let c = 0; c < p.w; c++) {
        const [i, j, k] = p.vox(c, r);
        const n = index(i, j, k);
        const g = grey(st.data[n]);
        let rgb = [g, g, g];
        if (other) {
          if (mask[n] !== other[n]) rgb = [255, 0, 255];
        } else if (mask) {
          const col = st.colours[mask[n]];
          if (col) rgb = [0, 1, 2].map((x) => Math.round((1 - a) * g + a * col[x]));
        }
        const o = 4 * (r * p.w + c);
        img.data[o] = rgb[0]; img.data[o + 1] = rgb[1]; img.data[o + 2] = rgb[2]; img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    const g2 = canvas.getContext("2d");
    g2.imageSmoothingEnabled = false;
    g2.drawImage(off, 0, 0, cw, ch);
    return {scale: cw / p.w, scaleY: ch / p.h};
  }

  function crosshair(canvas, p, s) {
    const [c, r] = p.at(st.pos);
    const g = canvas.getContext("2d");
    g.strokeStyle = "rgba(0, 200, 255, 0.8)";
    g.lineWidth = 1;
    const x = Math.round((c + 0.5) * s.scale) + 0.5, y = Math.round((r + 0.5) * s.scaleY) + 0.5;
    g.beginPath();
    g.moveTo(x, 0); g.lineTo(x, canvas.height); g.moveTo(0, y); g.lineTo(canvas.width, y);
    g.stroke();
  }

  function draw() {
    if (!st.vol) return;
    const ps = planes();
    const boxes = {};
    for (const name of ["axial", "coronal", "sagittal"]) {
      const p = ps[name];
      const canvas = $(name);
      const s = drawPlane(canvas, p, st.overlay ? st.mask : null, null);
      crosshair(canvas, p, s);
      canvas._scale = s;
      const slider = $("slice-" + name);
      slider.max = String(st.vol.dims[p.axis] - 1);
      slider.value = String(st.pos[p.axis]);
      $("n-" + name).textContent = (st.pos[p.axis] + 1) + "/" + st.vol.dims[p.axis];
      boxes[name] = s;
    }
    drawCompare(ps.axial);
    publishState(ps.axial, boxes.axial);
  }

  // For tests and scripts: where the axial image is on the page, and the tumour's box in it.
  function publishState(p, s) {
    const rect = $("axial").getBoundingClientRect();
    const state = $("state");
    state.dataset.overlay = st.overlay ? "1" : "0";
    state.dataset.axialRect = JSON.stringify([rect.left + scrollX, rect.top + scrollY, rect.width, rect.height]);
    state.dataset.position = JSON.stringify(st.pos);
    let box = null;
    if (st.mask) {
      let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
      for (let r = 0; r < p.h; r++) for (let c = 0; c < p.w; c++) {
        const [i, j, k] = p.vox(c, r);
        if (st.mask[index(i, j, k)] > 0) { x0 = Math.min(x0, c); y0 = Math.min(y0, r); x1 = Math.max(x1, c); y1 = Math.max(y1, r); }
      }
      if (x1 >= 0) box = [rect.left + scrollX + x0 * s.scale, rect.top + scrollY + y0 * s.scaleY,
        rect.left + scrollX + (x1 + 1) * s.scale, rect.top + scrollY + (y1 + 1) * s.scaleY];
    }
    state.dataset.tumourBox = JSON.stringify(box);
    state.dataset.ready = "1";
  }

  function drawCompare(p) {
    const a = $("cmp-a").value, b = $("cmp-b").value;
    if ($("compare").hidden || !st.masks[a] || !st.masks[b]) return;
    drawPlane($("cmp-left"), p, st.masks[a], null);
    drawPlane($("cmp-right"), p, st.masks[b], null);
    drawPlane($("cmp-diff"), p, st.masks[a], st.masks[b]);
    $("cap-left").textContent = "v" + a;
    $("cap-right").textContent = "v" + b;
  }

  function voxelAt(name, ev) {
    const canvas = $(name), s = canvas._scale;
    if (!s) return null;
    const b = canvas.getBoundingClientRect();
    const c = Math.floor((ev.clientX - b.left) / s.scale), r = Math.floor((ev.clientY - b.top) / s.scaleY);
    const p = planes()[name];
    if (c < 0 || r < 0 || c >= p.w || r >= p.h) return null;
    return p.vox(c, r);
  }

  function wire() {
    for (const name of ["axial", "coronal", "sagittal"]) {
      const canvas = $(name);
      canvas.addEventListener("click", (ev) => {
        const v = voxelAt(name, ev);
        if (v) { st.pos = v; draw(); }
      });
      canvas.addEventListener("mousemove", (ev) => {
        const v = voxelAt(name, ev);
        if (!v) return;
        const n = index(v[0], v[1], v[2]);
        const value = st.vol.min + st.data[n] * (st.vol.max - st.vol.min) / 65535;
        const label = st.mask ? st.mask[n] : 0;
        $("cursor").textContent = "voxel (" + v.join(", ") + ")  " + $("modality").value.toUpperCase() + " " +
          value.toPrecision(4) + "  label " + label + (label ? " " + (st.labelNames[label] || "") : " background");
      });
      const slider = $("slice-" + name);
      slider.addEventListener("input", () => {
        st.pos[planes()[name].axis] = Number(slider.value);
        draw();
      });
    }
    $("overlay").addEventListener("change", () => { st.overlay = $("overlay").checked; draw(); });
    $("opacity").addEventListener("input", () => { st.alpha = Number($("opacity").value) / 100; draw(); });
    $("modality").addEventListener("change", () => loadVolume().then(draw).catch(fail));
    $("version").addEventListener("change", () => loadMask($("version").value).then(draw));
    $("cmp-a").addEventListener("change", () => loadCompare().then(draw));
    $("cmp-b").addEventListener("change", () => loadCompare().then(draw));
  }

  function fail(e) { bs.showError(e.message); }

  async function loadVolume() {
    const m = $("modality").value;
    const q = "?modality=" + encodeURIComponent(m);
    const [meta, buf] = await Promise.all([bs.json(api + "/volume.json" + q), bs.bytes(api + "/volume.bin" + q)]);
    st.vol = meta;
    st.data = new Uint16Array(buf);
  }

  async function maskOf(version) {
    if (!st.masks[version]) {
      const buf = await bs.bytes(api + "/mask.bin?version=" + encodeURIComponent(version));
      const m = new Uint8Array(buf);
      if (st.vol && m.length !== st.data.length) throw new Error("the mask of model version " + version + " is not on the scan's grid");
      st.masks[version] = m;
    }
    return st.masks[version];
  }

  async function loadMask(version) {
    st.mask = null;
    if (!version) return;
    try {
      st.mask = await maskOf(version);
      document.getElementById("error").hidden = true;
    } catch (e) {
      bs.showError(e.message + " (the image is shown without it)");
      $("state").dataset.maskError = e.message;
    }
  }

  async function loadCompare() {
    try {
      await Promise.all([maskOf($("cmp-a").value), maskOf($("cmp-b").value)]);
    } catch (e) {
      $("compare").hidden = true;
    }
  }

  function startPosition() {
    const [nx, ny, nz] = st.vol.dims;
    st.pos = [nx >> 1, ny >> 1, nz >> 1];
    if (!st.mask) return;
    let best = -1, bestN = 0;
    for (let k = 0; k < nz; k++) {
      let n = 0;
      for (let p = k * nx * ny; p < (k + 1) * nx * ny; p++) if (st.mask[p] > 0) n++;
      if (n > bestN) { bestN = n; best = k; }
    }
    if (best < 0) return;
    let i0 = nx, i1 = -1, j0 = ny, j1 = -1;
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      if (st.mask[index(i, j, best)] > 0) { i0 = Math.min(i0, i); i1 = Math.max(i1, i); j0 = Math.min(j0, j); j1 = Math.max(j1, j); }
    }
    st.pos = [(i0 + i1) >> 1, (j0 + j1) >> 1, best];
  }

  function numbers(info) {
    const body = document.querySelector("#versions tbody");
    for (const v of info.versions) {
      const tr = document.createElement("tr");
      tr.appendChild(bs.el("td", "v" + v.version));
      tr.appendChild(bs.el("td", bs.time(v.completedAt)));
      for (const ml of Object.values(v.volumesMl)) tr.appendChild(bs.el("td", bs.num(ml, 1), "num")); // regions, then labels
      for (const k of ["WT", "TC", "ET"]) tr.appendChild(bs.el("td", v.dice ? bs.num(v.dice[k], 3) : "–", "num"));
      tr.appendChild(bs.quality(v.quality));
      const a = bs.el("a", "png");
      a.href = api.replace("/api/scans/", "/scans/") + "/preview.png?version=" + v.version;
      tr.appendChild(document.createElement("td")).appendChild(a);
      body.appendChild(tr);
    }
    const list = $("failures");
    for (const f of info.failures) {
      const li = bs.el("li", null, "error");
      li.dataset.errorCode = f.errorCode;
      li.appendChild(bs.el("strong", f.errorCode));
      li.appendChild(document.createTextNode(" " + f.message + " (" + bs.time(f.failedAt) + ", attempts " + f.attempts + ")"));
      list.appendChild(li);
    }
    $("failures-title").hidden = info.failures.length === 0;
  }

  function legend(info) {
    const l = $("legend");
    for (const e of info.labels) {
      st.colours[e.label] = e.rgb;
      st.labelNames[e.label] = e.name;
      const sw = bs.el("span", null, "sw");
      sw.style.background = "rgb(" + e.rgb.join(",") + ")";
      l.appendChild(sw);
      l.appendChild(document.createTextNode(e.name));
    }
  }

  async function main() {
    const info = await bs.json(api);
    st.info = info;
    document.title = info.scanId + " · brainseg viewer";
    $("title").textContent = info.scanId + (info.arrivedAt ? "  arrived " + bs.time(info.arrivedAt) : "");
    $("status").textContent = info.status;
    $("status").className = "badge st-" + info.status;
    st.alpha = info.alpha;
    $("opacity").value = String(Math.round(info.alpha * 100));
    $("overlay").checked = st.overlay;
    legend(info);
    numbers(info);
    for (const m of info.modalities) $("modality").add(new Option(m.toUpperCase(), m));
    $("modality").value = info.modalities.includes(params.get("modality")) ? params.get("modality") : "flair";
    const versions = info.versions.map((v) => String(v.version));
    for (const v of versions) $("version").add(new Option("v" + v, v));
    const wanted = params.get("version");
    $("version").value = versions.includes(wanted) ? wanted : (versions[versions.length - 1] || "");
    if (versions.length >= 2) {
      for (const v of versions) { $("cmp-a").add(new Option("v" + v, v)); $("cmp-b").add(new Option("v" + v, v)); }
      $("cmp-a").value = versions[versions.length - 2];
      $("cmp-b").value = versions[versions.length - 1];
      $("compare").hidden = false;
    }
    wire();
    if (!info.hasImages) {
      bs.showError("the scan's images are unknown: its arrival event has not been read");
      $("state").dataset.ready = "1";
      return;
    }
    await loadVolume();
    if (versions.length === 0) {
      const f = info.failures[info.failures.length - 1];
      bs.showError(f ? "no mask: the scan failed: " + f.errorCode + ": " + f.message : "no mask yet: the scan is being segmented");
      $("version-numbers").hidden = true;
    }
    await loadMask($("version").value);
    if (versions.length >= 2) await loadCompare();
    startPosition();
    draw();
  }

  main().catch((e) => { fail(e); $("state").dataset.ready = "1"; });
})();
