// The browser's half of FrameCanvas (canvas.py): draws the panels of the newest frame the
// kernel sent, once per display refresh at most, and tells the kernel which frame it drew.
// Plain ES module, no build step and nothing fetched: anywidget loads it as it is.

const FONT = "12px sans-serif";
const CAPTION = 24; // the height of the caption line above the panels
// While frames stream in, the kernel is told which one was drawn at most this often: each
// answer is a message the kernel handles, after which ipykernel waits for its output thread.
// Answering every frame stalled the kernel for tens of milliseconds at a time, and frames
// came in bunches, half of them never drawn: 30 frames a second in Voila, 43 to 45 this way.
// A frame sent with "answer" (not while playing) is answered at once.
const ANSWER_MS = 250;
const MARGIN = { left: 56, right: 12, top: 26, bottom: 34 }; // inside each panel's cell

function array(view, type) {
  // A binary buffer of the model (a DataView) as a typed array.
  return new type(view.buffer, view.byteOffset, view.byteLength / type.BYTES_PER_ELEMENT);
}

function box(cell) {
  // The plotting area of a panel's cell {x, y, width, height}.
  return {
    x: cell.x + MARGIN.left,
    y: cell.y + MARGIN.top,
    width: cell.width - MARGIN.left - MARGIN.right,
    height: cell.height - MARGIN.top - MARGIN.bottom,
  };
}

function scale(low, high, start, length) {
  return (value) => start + ((value - low) / (high - low || 1)) * length;
}

function title(ctx, cell, text) {
  ctx.fillStyle = "#000";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText(text, cell.x + cell.width / 2, cell.y + 6, cell.width - 8);
}

function frameBox(ctx, area) {
  ctx.strokeStyle = "#000";
  ctx.lineWidth = 1;
  ctx.strokeRect(area.x + 0.5, area.y + 0.5, area.width - 1, area.height - 1);
}

const colourWords = new WeakMap(); // a colour table (DataView) -> its 256 RGBA words
const scratch = new Map(); // n -> an n x n OffscreenCanvas and its ImageData, reused

function byteImage(values, n, lut) {
  // An n x n grid of bytes, row 0 the lowest y, as an image coloured by the 256 RGBA rows of
  // lut (a DataView): row 0 at the image's bottom. The image is reused by the next call with
  // the same n: draw it before then.
  let words = colourWords.get(lut);
  if (words === undefined) {
    words = new Uint32Array(array(lut, Uint8Array).slice().buffer); // RGBA bytes as words
    colourWords.set(lut, words);
  }
  if (!scratch.has(n)) {
    const image = new OffscreenCanvas(n, n);
    const context = image.getContext("2d");
    scratch.set(n, { image, context, pixels: context.createImageData(n, n) });
  }
  const { image, context, pixels } = scratch.get(n);
  const out = new Uint32Array(pixels.data.buffer);
  for (let row = 0; row < n; row++) {
    const to = (n - 1 - row) * n;
    for (let col = 0; col < n; col++) out[to + col] = words[values[row * n + col]];
  }
  context.putImageData(pixels, 0, 0);
  return image;
}

function drawMap(ctx, cell, panel, frame) {
  const area = box(cell);
  const values = array(frame[panel.name], Uint8Array);
  const image = byteImage(values, panel.grid, panel.lut);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(image, area.x, area.y, area.width, area.height);
  const [x0, x1, y0, y1] = panel.extent;
  const sx = scale(x0, x1, area.x, area.width);
  const sy = scale(y0, y1, area.y + area.height, -area.height);
  const points = array(panel.points, Float32Array); // rows x, y, class, test
  const m = points.length / 4;
  // One path per class and split: circles for class 0, triangles for class 1, squares for
  // class 2; training points edged in white, test points in thicker black.
  for (let cls = 0; cls < panel.colours.length; cls++) {
    for (const test of [0, 1]) {
      ctx.beginPath();
      for (let i = 0; i < m; i++) {
        if (Math.round(points[2 * m + i]) !== cls || (points[3 * m + i] > 0.5) !== (test === 1)) continue;
        const x = sx(points[i]);
        const y = sy(points[m + i]);
        if (cls === 1) {
          ctx.moveTo(x, y - 5);
          ctx.lineTo(x + 4.5, y + 3.5);
          ctx.lineTo(x - 4.5, y + 3.5);
          ctx.closePath();
        } else if (cls === 2) {
          ctx.rect(x - 3.5, y - 3.5, 7, 7);
        } else {
          ctx.moveTo(x + 3.5, y);
          ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
        }
      }
      ctx.fillStyle = panel.colours[cls];
      ctx.fill();
      ctx.strokeStyle = test ? "#000" : "#fff";
      ctx.lineWidth = test ? 1.2 : 0.6;
      ctx.stroke();
    }
  }
  frameBox(ctx, area);
  axisNames(ctx, area, panel.xlabel, panel.ylabel);
  return { area, extent: panel.extent }; // where a click on the map lands
}

function axisNames(ctx, area, xlabel, ylabel) {
  ctx.fillStyle = "#000";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText(xlabel, area.x + area.width / 2, area.y + area.height + 18);
  ctx.save();
  ctx.translate(area.x - 44, area.y + area.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(ylabel, 0, 0);
  ctx.restore();
}

function drawNetwork(ctx, cell, panel, frame) {
  const area = box(cell);
  const [x0, x1, y0, y1] = panel.extent;
  const sx = scale(x0, x1, area.x, area.width);
  const sy = scale(y0, y1, area.y + area.height, -area.height);
  const edges = array(panel.edges, Float32Array); // x0, y0, x1, y1: one row each
  const k = edges.length / 4;
  const weights = array(frame[panel.name], Float32Array);
  let largest = 0;
  for (const w of weights) largest = Math.max(largest, Math.abs(w));
  ctx.lineCap = "round";
  for (let i = 0; i < k; i++) {
    const w = weights[i];
    const width = largest > 0 ? (Math.abs(w) / largest) * panel.max_width : 0;
    if (width < 0.05) continue; // (a canvas ignores a line width of 0)
    ctx.strokeStyle = panel.colours[w >= 0 ? 1 : 0];
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(sx(edges[i]), sy(edges[k + i]));
    ctx.lineTo(sx(edges[2 * k + i]), sy(edges[3 * k + i]));
    ctx.stroke();
  }
  const units = array(panel.units, Float32Array); // rows x, y
  const u = units.length / 2;
  // units first..first+hidden-1 are drawn as small maps of their output, the others as dots
  const [first, hidden] = panel.hidden;
  const g = panel.unit_grid;
  const maps = array(frame[panel.maps], Uint8Array);
    const side = Math.min(28, Math.abs(sy(1) - sy(0)) - 4);
  ctx.fillStyle = "#4d4d4d";
  ctx.strokeStyle = "#4d4d4d";
  ctx.lineWidth = 1;
  for (let i = 0; i < u; i++) {
    const x = sx(units[i]);
    const y = sy(units[u + i]);
    const k = i - first;
    if (k >= 0 && k < hidden) {
      const image = byteImage(maps.subarray(k * g * g, (k + 1) * g * g), g, panel.unit_lut);
      ctx.drawImage(image, x - side / 2, y - side / 2, side, side);
      ctx.strokeRect(x - side / 2, y - side / 2, side, side);
    } else {
      ctx.beginPath();
      ctx.arc(x, y, 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.fillStyle = "#000";
  ctx.textBaseline = "middle";
  ctx.textAlign = "right";
  panel.inputs.forEach((name, i) => ctx.fillText(name, sx(-panel.input_gap), sy(units[u + i])));
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  panel.columns.forEach((name, i) => ctx.fillText(name, sx(i), area.y + area.height + 4));
}

function decades(values) {
  // The powers of ten around the finite positive values: [low, high] exponents.
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (v > 0 && Number.isFinite(v)) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
  }
  if (!Number.isFinite(low)) return [-1, 0];
  return [Math.floor(Math.log10(low)), Math.max(Math.ceil(Math.log10(high)), Math.floor(Math.log10(low)) + 1)];
}

function drawCurves(ctx, cell, panel, frame) {
  const area = box(cell);
  const data = frame[panel.name];
  const epochs = array(data.epochs, Float32Array);
  const values = array(data.values, Float32Array); // one row per line
  const n = epochs.length;
  const [low, high] = decades(values);
  const last = n > 0 ? Math.max(epochs[n - 1], 1) : 1;
  const sx = scale(0, last, area.x, area.width);
  const sy = scale(low, high, area.y + area.height, -area.height);
  ctx.fillStyle = "#000";
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  ctx.strokeStyle = "#ddd";
  ctx.lineWidth = 1;
  for (let e = low; e <= high; e++) {
    const y = Math.round(sy(e)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(area.x, y);
    ctx.lineTo(area.x + area.width, y);
    ctx.stroke();
    ctx.fillText(`1e${e}`, area.x - 4, y);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText("0", area.x, area.y + area.height + 4);
  ctx.fillText(String(Math.round(last)), area.x + area.width, area.y + area.height + 4);
  data.styles.forEach((style, line) => {
    ctx.strokeStyle = style.colour;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(style.dashed ? [6, 4] : []);
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const v = values[line * n + i];
      const y = sy(Math.log10(Math.max(v, 10 ** low)));
      if (i === 0) ctx.moveTo(sx(epochs[i]), y);
      else ctx.lineTo(sx(epochs[i]), y);
    }
    ctx.stroke();
  });
  ctx.setLineDash([]);
  // the legend, top right, on white: a short line in each style and the line's name
  ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
  ctx.fillRect(area.x + area.width - 86, area.y + 2, 84, 15 * data.styles.length + 2);
  ctx.fillStyle = "#000";
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  data.styles.forEach((style, line) => {
    const y = area.y + 10 + 15 * line;
    const x = area.x + area.width - 80;
    ctx.strokeStyle = style.colour;
    ctx.setLineDash(style.dashed ? [6, 4] : []);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 22, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillText(style.name, x + 28, y);
  });
  frameBox(ctx, area);
  axisNames(ctx, area, panel.xlabel, panel.ylabel);
}

const DRAW = { map: drawMap, network: drawNetwork, curves: drawCurves };

function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "bp-canvas";
  canvas.setAttribute("role", "img");
  el.appendChild(canvas);
  let scheduled = false;
  let drawn = 0;
  let answered = -Infinity; // when the kernel was last told which frame was drawn
  let maps = []; // each map panel's area and extent, for clicks

  function draw() {
    scheduled = false;
    const still = model.get("still");
    const frame = model.get("frame");
    if (!still.panels || frame.id === undefined) return;
    const [width, height] = still.size;
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = "100%";
      canvas.style.maxWidth = `${width}px`;
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    ctx.font = FONT;
    ctx.fillStyle = "#000";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillText(frame.caption, 8, CAPTION / 2, width - 16);
    const cellWidth = width / still.columns;
    const cellHeight = (height - CAPTION) / Math.ceil(still.panels.length / still.columns);
    maps = [];
    still.panels.forEach((panel, i) => {
      const cell = {
        x: (i % still.columns) * cellWidth,
        y: CAPTION + Math.floor(i / still.columns) * cellHeight,
        width: cellWidth,
        height: cellHeight,
      };
      const clickable = DRAW[panel.kind](ctx, cell, panel, frame);
      if (clickable) maps.push(clickable);
      title(ctx, cell, frame.titles[i]);
    });
    drawn += 1;
    canvas.dataset.drawn = String(drawn);
    const now = performance.now();
    if (frame.answer || now - answered >= ANSWER_MS) {
      answered = now;
      model.send({ drawn: frame.id });
    }
  }

  function schedule() {
    // The newest frame replaces any not yet drawn: one drawing per display refresh at most.
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(draw);
    }
  }

  function label() {
    canvas.setAttribute("aria-label", model.get("label"));
  }

  canvas.addEventListener("click", (event) => {
    // a click on a map: its point in the map's coordinates, to the kernel
    const rect = canvas.getBoundingClientRect();
    const scaleBy = model.get("still").size[0] / rect.width;
    const x = (event.clientX - rect.left) * scaleBy;
    const y = (event.clientY - rect.top) * scaleBy;
    for (const { area, extent } of maps) {
      const u = (x - area.x) / area.width;
      const v = (y - area.y) / area.height;
      if (u >= 0 && u <= 1 && v >= 0 && v <= 1) {
        const [x0, x1, y0, y1] = extent;
        model.send({ click: [x0 + u * (x1 - x0), y1 - v * (y1 - y0)] });
      }
    }
  });
  canvas.style.cursor = "crosshair";
  model.on("change:frame", schedule);
  model.on("change:still", schedule);
  model.on("change:label", label);
  label();
  schedule();
}

export default { render };
