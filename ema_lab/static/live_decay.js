// The decay answered in the browser (ema_lab/ui/live_decay.py): while the reader drags the decay
// slider or presses its keys, the main chart's EMA lines are computed here by EmaEngine from
// the full series (sent once) and redrawn within a frame. Streamlit's slider
// tells the server only when the reader lets go (or per key press); the server's chart then
// replaces this one, equal to it number for number.
//
// The chart is Streamlit's own Plotly chart, whose Plotly is not reachable from the page: each
// line's path is written with the chart's own axes (c2p), as Plotly writes it. While the lines
// are ahead of the server, whatever else the page says about the decay (the title's numbers,
// the read-outs) is faded and the chart is marked busy: the page says nothing false.
const PREVIEWING = "ema-lab-previewing";
const GIVE_UP_MS = 15000;

export default function ({ data }) {
  const x = EmaEngine.fromBase64(data.values, Float64Array);
  const registry = (window.__emaLabLive = window.__emaLabLive || {});
  if (registry[data.chart]) registry[data.chart].stop();
  let frame = 0;
  let drawnAt = -Infinity; // when the lines were last drawn
  let wanted = null; // the stop the slider shows
  let watching = null; // the slider input observed
  let poll = 0;
  let movedAt = 0; // when the slider last moved

  const box = () => document.querySelector(`.st-key-${data.chart}`);
  const chart = () => box()?.querySelector(".js-plotly-plot") || null;
  const slider = () => document.querySelector(`.st-key-${data.slider} input[type="range"]`);

  // The slider's stop: its text (a select slider's value text), else its index.
  const stopOf = (input) => {
    const k = data.texts.indexOf(input.getAttribute("aria-valuetext"));
    return k >= 0 ? k : Number(input.value);
  };

  // A line's index among the chart's traces, by its name (-1 if the chart lacks it).
  const traceOf = (gd, name) => gd._fullData.findIndex((t) => t.name === name);

  const linesAt = (decay) => {
    const out = {};
    for (const line of data.lines) {
      out[line.name] = EmaEngine.VARIANTS[line.variant](x, decay, data.initial);
    }
    return out;
  };

  // Whether the chart the server drew shows these lines (as it sends them).
  const serverShows = (gd, lines) =>
    data.lines.every(({ name }) => {
      const k = traceOf(gd, name);
      const cd = k >= 0 ? gd.calcdata[k] : null;
      const want = lines[name];
      if (!cd || !want || cd.length !== want.length) return false;
      const drawn = EmaEngine.asDrawn(want);
      // A point Plotly cannot draw (a gap's NaN, an infinity) has no y in its calcdata.
      const missing = (y) => y === undefined || !Number.isFinite(y);
      return cd.every((p, i) => p.y === drawn[i] || (missing(p.y) && missing(drawn[i])));
    });

  const draw = (gd, lines) => {
    const xa = gd._fullLayout.xaxis;
    const ya = gd._fullLayout.yaxis;
    for (const { name } of data.lines) {
      const k = traceOf(gd, name);
      const trace = k >= 0 ? gd._fullData[k] : null;
      const path = trace && gd.querySelector(`.trace${trace.uid} .js-line`);
      if (!path || !lines[name]) continue;
      const y = EmaEngine.asDrawn(lines[name]);
      const cd = gd.calcdata[k];
      let d = "";
      let open = false;
      for (let i = 0; i < cd.length; i++) {
        if (y[i] !== y[i]) {
          open = false; // a gap: the line breaks, as Plotly draws it
          continue;
        }
        d += `${open ? "L" : "M"}${xa.c2p(cd[i].x).toFixed(2)},${ya.c2p(y[i]).toFixed(2)}`;
        open = true;
      }
      path.setAttribute("d", d);
    }
  };

  const mark = (gd, ahead) => {
    document.body.classList.toggle(PREVIEWING, ahead);
    const figure = gd.closest('[data-testid="stPlotlyChart"]');
    if (ahead) figure?.setAttribute("aria-busy", "true");
    else figure?.removeAttribute("aria-busy");
  };

  // Draw the slider's stop if the server's chart does not already show it. Until it does,
  // the page is faded and this runs again every 100 ms and after each redraw of the chart
  // (one for an earlier stop is drawn over again); GIVE_UP_MS after the last move the
  // server's chart stands as it is, unfaded: the page never waits on a comparison that
  // cannot come true.
  const update = () => {
    frame = 0;
    drawnAt = performance.now();
    clearInterval(poll);
    const gd = chart();
    if (!gd || !gd.calcdata || wanted === null) {
      // No chart drawn (Plotly between two, or the server's replacing this one): look again
      // shortly, and never hold the page faded past GIVE_UP_MS. Returning for good here
      // could leave a page faded with nothing left to clear it.
      if (wanted !== null && drawnAt - movedAt < GIVE_UP_MS) poll = setInterval(update, 100);
      else document.body.classList.remove(PREVIEWING);
      return;
    }
    const decay = data.decays[wanted];
    const live = data.live.includes(wanted);
    const lines = live ? linesAt(decay) : null;
    const waiting = !(live && serverShows(gd, lines)) && drawnAt - movedAt < GIVE_UP_MS;
    if (live && waiting) draw(gd, lines);
    gd.__emaLabLive = { decay, live, lines }; // what a test compares with ema_core
    mark(gd, waiting);
    if (waiting) poll = setInterval(update, 100);
    // Through the registry: the chart outlives this element (a stop the browser cannot
    // draw removes it), and a gone element's handler would fade the page again at the
    // chart's next redraw (a resize), for 15 s, with nothing coming to clear it.
    if (gd.__emaLabHooked !== true && gd.on) {
      gd.on("plotly_afterplot", () => registry[data.chart]?.redraw());
      gd.__emaLabHooked = true;
    }
  };

  const follow = () => {
    const input = slider();
    if (!input) return;
    const k = stopOf(input);
    if (k === wanted && watching === input) return;
    watching = input;
    wanted = k;
    movedAt = performance.now();
    // At most once a frame: at once if the last drawing is a frame old (a drag's moves are
    // rendered by React after the frame's animation callbacks, so waiting for the next one
    // would add a frame), else in the next frame.
    if (frame) return;
    if (performance.now() - drawnAt >= 16) update();
    else frame = requestAnimationFrame(update);
  };

  // The slider's value text is set on every move (drag, key, tap) before it is painted.
  const observer = new MutationObserver(follow);
  observer.observe(document.body, {
    subtree: true,
    attributes: true,
    attributeFilter: ["aria-valuetext"],
  });
  follow();

  // Gone (another page, or a series the browser cannot follow): the server's page stands.
  const stop = () => {
    if (registry[data.chart]?.stop === stop) delete registry[data.chart];
    observer.disconnect();
    cancelAnimationFrame(frame);
    clearInterval(poll);
    const gd = chart();
    if (gd) mark(gd, false);
    else document.body.classList.remove(PREVIEWING);
  };
  registry[data.chart] = { stop, redraw: () => wanted !== null && update() };
  return stop;
}
