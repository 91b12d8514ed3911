// The live dashboard: polls /api/history (and /models/{id}/grid for two-feature models) every
// second and draws on canvases. No library and no build step, so it works offline from the
// application's own HTTP server. Every chart records how many data points it drew in its
// data-points attribute (tests read it).
"use strict";

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"];
// The class colours mixed with white, for the decision regions behind the points.
const REGION_RGB = COLORS.map(c => [1, 3, 5].map(i => Math.round(parseInt(c.substr(i, 2), 16) * 0.25 + 255 * 0.75)));

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  children.forEach(c => e.append(c));
  return e;
}

function fmt(v, digits) {
  return v === null || v === undefined || !isFinite(v) ? "–" : v.toFixed(digits);
}

function ago(ms) {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

// A line chart of several series over the same x values (epoch ms). opts: min, max, floor
// (round an automatic minimum down to a multiple of it), digits (axis labels), marks (epoch ms of
// drifts, drawn as dashed vertical lines).
function lineChart(canvas, xs, series, opts) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height;
  const left = 42, right = 8, top = 8, bottom = 34;
  const pw = w - left - right, ph = h - top - bottom;
  ctx.clearRect(0, 0, w, h);
  const vals = series.flatMap(s => s.values).filter(v => v !== null && isFinite(v));
  let lo = opts.min, hi = opts.max;
  if (lo === undefined) {
    lo = vals.length ? Math.min(...vals) : 0;
    if (opts.floor) { lo = Math.floor(lo / opts.floor) * opts.floor; }
  }
  if (hi === undefined) { hi = vals.length ? Math.max(...vals) : 1; }
  if (hi <= lo) { hi = lo + 1; }
  ctx.strokeStyle = "#ddd";
  ctx.lineWidth = 1;
  ctx.strokeRect(left + 0.5, top + 0.5, pw, ph);
  ctx.beginPath();
  ctx.moveTo(left, top + ph / 2 + 0.5);
  ctx.lineTo(left + pw, top + ph / 2 + 0.5);
  ctx.stroke();
  ctx.fillStyle = "#666";
  ctx.font = "10px sans-serif";
  ctx.textAlign = "right";
  const digits = opts.digits ?? 2;
  // An integer axis (counts, versions) keeps a half in its middle label rather than round it away.
  const label = v => v.toFixed(digits === 0 && !Number.isInteger(v) ? 1 : digits);
  ctx.fillText(label(hi), left - 4, top + 8);
  ctx.fillText(label((hi + lo) / 2), left - 4, top + ph / 2 + 4);
  ctx.fillText(label(lo), left - 4, top + ph);
  const x0 = xs.length ? xs[0] : 0, x1 = xs.length ? xs[xs.length - 1] : 1;
  ctx.textAlign = "left";
  if (xs.length > 1) { ctx.fillText(ago(x1 - x0), left, top + ph + 12); }
  ctx.textAlign = "right";
  ctx.fillText("now", left + pw, top + ph + 12);
  ctx.textAlign = "left";
  let drawn = 0;
  ctx.lineWidth = 1.5;
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    ctx.strokeStyle = color;
    ctx.beginPath();
    let started = false;
    s.values.forEach((v, i) => {
      if (v === null || !isFinite(v)) { started = false; return; }
      const px = left + pw * (x1 === x0 ? 1 : (xs[i] - x0) / (x1 - x0));
      const py = top + ph * (1 - (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo));
      if (started) { ctx.lineTo(px, py); } else { ctx.moveTo(px, py); started = true; }
      drawn++;
    });
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.fillRect(left + 110 * k, h - 11, 10, 3);
    ctx.fillStyle = "#444";
    ctx.fillText(s.name, left + 14 + 110 * k, h - 6);
  });
  let marked = 0;
  ctx.strokeStyle = "#c0392b";
  ctx.setLineDash([4, 3]);
  (opts.marks || []).forEach(t => {
    if (xs.length < 2 || t < x0 || t > x1) { return; }
    const px = Math.round(left + pw * (t - x0) / (x1 - x0)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, top + ph);
    ctx.stroke();
    marked++;
  });
  ctx.setLineDash([]);
  canvas.dataset.points = String(drawn);
  canvas.dataset.marks = String(marked);
}

// Recent scored events over the model's decision regions. Newer points are drawn more opaque:
// they were scored by a version close to the one whose regions are shown.
function boundaryChart(canvas, points, grid, box) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  if (grid && grid.length) {
    const n = grid.length;
    const off = document.createElement("canvas");
    off.width = n;
    off.height = n;
    const octx = off.getContext("2d");
    const img = octx.createImageData(n, n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const rgb = REGION_RGB[grid[j][i] % REGION_RGB.length];
        const o = ((n - 1 - j) * n + i) * 4; // grid row 0 is ymin: the bottom of the picture
        img.data[o] = rgb[0]; img.data[o + 1] = rgb[1]; img.data[o + 2] = rgb[2]; img.data[o + 3] = 255;
      }
    }
    octx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, 0, 0, w, h);
  }
  const sx = x => (x - box.xmin) / (box.xmax - box.xmin) * w;
  const sy = y => h - (y - box.ymin) / (box.ymax - box.ymin) * h;
  points.forEach((p, k) => {
    ctx.globalAlpha = 0.2 + 0.8 * (k + 1) / points.length;
    ctx.fillStyle = COLORS[p[2] % COLORS.length];
    ctx.beginPath();
    ctx.arc(sx(p[0]), sy(p[1]), 3, 0, 2 * Math.PI);
    ctx.fill();
  });
  ctx.globalAlpha = 1;
  ctx.fillStyle = "#333";
  ctx.font = "10px sans-serif";
  ctx.textAlign = "left";
  ctx.fillText(`x ${box.xmin.toPrecision(2)} … ${box.xmax.toPrecision(2)}`, 4, h - 5);
  ctx.save();
  ctx.translate(11, h - 60);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(`y ${box.ymin.toPrecision(2)} … ${box.ymax.toPrecision(2)}`, 0, 0);
  ctx.restore();
  canvas.dataset.points = String(points.length);
}

const panels = {};

function chart(id, caption, width, height) {
  const canvas = el("canvas", {width, height, id, class: "chart"});
  return {canvas, figure: el("figure", {}, canvas, el("figcaption", {}, caption))};
}

function panel(model) {
  if (panels[model]) { return panels[model]; }
  const stats = el("div", {class: "stats"});
  const acc = chart("accuracy-" + model, "prequential accuracy: since the start, and over the last 1000 examples", 380, 170);
  const loss = chart("loss-" + model, "prequential log loss: since the start, and over the last 1000 examples", 380, 170);
  const thr = chart("throughput-" + model, "throughput: examples trained and events scored per second", 380, 170);
  const ver = chart("version-" + model, "published model version", 380, 170);
  const bnd = chart("boundary-" + model, "recent scored events (newest darkest) over the decision regions", 360, 360);
  bnd.figure.style.display = "none";
  const lines = el("div", {class: "lines"}, acc.figure, loss.figure, thr.figure, ver.figure);
  const box = el("section", {class: "model", id: "model-" + model},
    el("h2", {}, "model ", el("code", {}, model)), stats, el("div", {class: "charts"}, bnd.figure, lines));
  document.getElementById("models").append(box);
  panels[model] = {stats, acc: acc.canvas, loss: loss.canvas, thr: thr.canvas, ver: ver.canvas,
                   bnd: bnd.canvas, boundaryFig: bnd.figure};
  return panels[model];
}

function stat(label, value, cls) {
  const b = el("b", {class: cls}, value);
  return el("span", {}, label + " ", b);
}

async function refresh() {
  try {
    const res = await fetch("/api/history", {cache: "no-store"});
    if (!res.ok) { throw new Error("HTTP " + res.status); }
    const h = await res.json();
    const names = Object.keys(h.models);
    const reasons = Object.entries(h.deadLetterReasons || {}).map(([r, n]) => `${r} ${n}`).join(", ");
    document.getElementById("status").textContent =
      `${names.length} model(s) · ${h.scored} events scored · ${h.deadLetters} dead letters` +
      (reasons ? ` (${reasons})` : "") + ` · updated ${new Date().toLocaleTimeString()}`;
    document.getElementById("status").className = "ok";
    if (!names.length) {
      document.getElementById("status").textContent += " · waiting for the first published weights";
    }
    for (const name of names) {
      const m = h.models[name];
      const p = panel(name);
      const xs = m.samples.map(s => s[0]);
      const last = m.samples.length ? m.samples[m.samples.length - 1] : null;
      const marks = (m.drifts || []).map(d => d.time);
      const lastDrift = m.drifts && m.drifts.length ? m.drifts[m.drifts.length - 1] : null;
      p.stats.replaceChildren(
        stat("version", String(m.version), "version"),
        stat("accuracy", fmt(last && last[1], 4), "accuracy"),
        stat("last 1000", fmt(last && last[2], 4), "window-accuracy"),
        stat("log loss", fmt(last && last[3], 4), "log-loss"),
        stat("last 1000", fmt(last && last[7], 4), "window-log-loss"),
        stat("trained", (last ? fmt(last[5], 0) : "–") + "/s", "trained-rate"),
        stat("scored", (last ? fmt(last[6], 0) : "–") + "/s", "scored-rate"),
        stat("dead letters", String(h.deadLetters), "dead-letters"),
        stat("drifts", lastDrift ? `${lastDrift.drifts} (last: v${lastDrift.version}, ${ago(Date.now() - lastDrift.time)})` : "–",
             "drifts"));
      if (lastDrift) { p.stats.title = lastDrift.reason; }
      p.stats.dataset.version = String(m.version);
      lineChart(p.acc, xs, [{name: "since start", values: m.samples.map(s => s[1])},
                            {name: "last 1000", values: m.samples.map(s => s[2])}], {max: 1, floor: 0.1, marks});
      lineChart(p.loss, xs, [{name: "since start", values: m.samples.map(s => s[3])},
                             {name: "last 1000", values: m.samples.map(s => s[7])}], {min: 0, digits: 3, marks});
      lineChart(p.thr, xs, [{name: "trained/s", values: m.samples.map(s => s[5])},
                            {name: "scored/s", values: m.samples.map(s => s[6])}], {min: 0, digits: 0});
      lineChart(p.ver, xs, [{name: "version", values: m.samples.map(s => s[4])}], {digits: 0});
      if (m.inputs === 2 && m.points.length) {
        p.boundaryFig.style.display = "";
        const xsP = m.points.map(q => q[0]), ysP = m.points.map(q => q[1]);
        const padX = (Math.max(...xsP) - Math.min(...xsP)) * 0.08 + 1e-6;
        const padY = (Math.max(...ysP) - Math.min(...ysP)) * 0.08 + 1e-6;
        const box = {xmin: Math.min(...xsP) - padX, xmax: Math.max(...xsP) + padX,
                     ymin: Math.min(...ysP) - padY, ymax: Math.max(...ysP) + padY};
        const q = new URLSearchParams(Object.entries(box).map(([k, v]) => [k, String(v)]));
        const g = await fetch(`/models/${encodeURIComponent(name)}/grid?${q}`, {cache: "no-store"});
        boundaryChart(p.bnd, m.points, g.ok ? (await g.json()).classes : null, box);
      }
    }
  } catch (e) {
    const s = document.getElementById("status");
    s.textContent = "cannot reach the learner: " + e.message;
    s.className = "error";
  }
}

refresh();
setInterval(refresh, 1000);
