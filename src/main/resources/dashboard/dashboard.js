// The live dashboard: polls /api/history and /models/{id}/grid every second and draws on canvases.
// No library and no build step, so it works offline from the application's own HTTP server.
"use strict";

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  children.forEach(c => e.append(c));
  return e;
}

function lineChart(canvas, xs, series, opts) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 30;
  ctx.clearRect(0, 0, w, h);
  let lo = opts.min, hi = opts.max;
  if (lo === undefined || hi === undefined) {
    const vals = series.flatMap(s => s.values).filter(v => v !== null && isFinite(v));
    lo = lo ?? (vals.length ? Math.min(...vals) : 0);
    hi = hi ?? (vals.length ? Math.max(...vals) : 1);
  }
  if (hi === lo) { hi = lo + 1; }
  ctx.strokeStyle = "#ccc";
  ctx.strokeRect(pad, 5, w - pad - 5, h - pad);
  ctx.fillStyle = "#555";
  ctx.font = "10px sans-serif";
  ctx.fillText(hi.toPrecision(3), 2, 12);
  ctx.fillText(lo.toPrecision(3), 2, h - pad);
  const x0 = xs.length ? xs[0] : 0, x1 = xs.length ? xs[xs.length - 1] : 1;
  let drawn = 0;
  series.forEach((s, k) => {
    ctx.strokeStyle = COLORS[k % COLORS.length];
    ctx.beginPath();
    let started = false;
    s.values.forEach((v, i) => {
      if (v === null || !isFinite(v)) { return; }
      const px = pad + (w - pad - 5) * (x1 === x0 ? 1 : (xs[i] - x0) / (x1 - x0));
      const py = 5 + (h - pad) * (1 - (v - lo) / (hi - lo));
      if (started) { ctx.lineTo(px, py); } else { ctx.moveTo(px, py); started = true; }
      drawn++;
    });
    ctx.stroke();
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fillText(s.name, pad + 5 + 110 * k, h - 8);
  });
  canvas.dataset.points = String(drawn);
}

function boundaryChart(canvas, points, grid, box) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  const sx = x => (x - box.xmin) / (box.xmax - box.xmin) * w;
  const sy = y => h - (y - box.ymin) / (box.ymax - box.ymin) * h;
  if (grid) {
    const n = grid.length;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        ctx.fillStyle = COLORS[grid[j][i] % COLORS.length] + "33";
        ctx.fillRect(i * w / n, h - (j + 1) * h / n, w / n + 1, h / n + 1);
      }
    }
  }
  points.forEach(p => {
    ctx.fillStyle = COLORS[p[2] % COLORS.length];
    ctx.beginPath();
    ctx.arc(sx(p[0]), sy(p[1]), 3, 0, 2 * Math.PI);
    ctx.fill();
  });
  canvas.dataset.points = String(points.length);
}

const panels = {};

function panel(model) {
  if (panels[model]) { return panels[model]; }
  const stats = el("div", {class: "stats"});
  const acc = el("canvas", {width: 360, height: 180, id: "accuracy-" + model, class: "chart"});
  const loss = el("canvas", {width: 360, height: 180, id: "loss-" + model, class: "chart"});
  const thr = el("canvas", {width: 360, height: 180, id: "throughput-" + model, class: "chart"});
  const bnd = el("canvas", {width: 300, height: 300, id: "boundary-" + model, class: "chart"});
  const charts = el("div", {class: "charts"},
    el("figure", {}, acc, el("figcaption", {}, "prequential accuracy (running, last 1000)")),
    el("figure", {}, loss, el("figcaption", {}, "prequential log loss")),
    el("figure", {}, thr, el("figcaption", {}, "examples trained per second")));
  const boundaryFig = el("figure", {style: "display:none"}, bnd, el("figcaption", {}, "recent scored events and decision regions"));
  charts.append(boundaryFig);
  const box = el("div", {class: "model", id: "model-" + model}, el("h2", {}, model), stats, charts);
  document.getElementById("models").append(box);
  panels[model] = {stats, acc, loss, thr, bnd, boundaryFig};
  return panels[model];
}

async function refresh() {
  try {
    const res = await fetch("/api/history");
    const h = await res.json();
    const names = Object.keys(h.models);
    document.getElementById("status").textContent =
      `${names.length} model(s), ${h.scored} events scored, ${h.deadLetters} dead letters, updated ${new Date().toLocaleTimeString()}`;
    for (const name of names) {
      const m = h.models[name];
      const p = panel(name);
      const xs = m.samples.map(s => s[0]);
      const last = m.samples.length ? m.samples[m.samples.length - 1] : null;
      p.stats.innerHTML = `<span>version <b>${m.version}</b></span>` +
        (last ? `<span>accuracy <b>${(last[1] ?? NaN).toFixed(4)}</b></span><span>log loss <b>${(last[3] ?? NaN).toFixed(4)}</b></span>` +
          `<span>throughput <b>${last[5]}</b>/s</span>` : "") +
        `<span>dead letters <b>${h.deadLetters}</b></span>`;
      lineChart(p.acc, xs, [{name: "running", values: m.samples.map(s => s[1])},
                            {name: "last 1000", values: m.samples.map(s => s[2])}], {min: 0, max: 1});
      lineChart(p.loss, xs, [{name: "log loss", values: m.samples.map(s => s[3])}], {min: 0});
      lineChart(p.thr, xs, [{name: "examples/s", values: m.samples.map(s => s[5])}], {min: 0});
      if (m.inputs === 2 && m.points.length) {
        p.boundaryFig.style.display = "";
        const xsP = m.points.map(q => q[0]), ysP = m.points.map(q => q[1]);
        const padX = (Math.max(...xsP) - Math.min(...xsP)) * 0.1 + 1e-6;
        const padY = (Math.max(...ysP) - Math.min(...ysP)) * 0.1 + 1e-6;
        const box = {xmin: Math.min(...xsP) - padX, xmax: Math.max(...xsP) + padX,
                     ymin: Math.min(...ysP) - padY, ymax: Math.max(...ysP) + padY};
        const q = new URLSearchParams(Object.entries(box).map(([k, v]) => [k, String(v)]));
        const g = await (await fetch(`/models/${encodeURIComponent(name)}/grid?${q}`)).json();
        boundaryChart(p.bnd, m.points, g.classes, box);
      }
    }
  } catch (e) {
    document.getElementById("status").textContent = "cannot reach the learner: " + e;
  }
}

refresh();
setInterval(refresh, 1000);
