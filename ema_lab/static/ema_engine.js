// EMA Lab's browser engine: ema_core's recurrences in float64, operation for operation as its
// compiled kernels compute them (ema_core/_kernels.py: series_1d, series_1d_debiased, tf_rule),
// so that a line computed here equals the server's to the last bit. One file for every page
// that computes in the browser: the live decay (ema_lab/ui/live_decay.py) includes it.
const EmaEngine = (() => {
  // s_t = β_t s_{t-1} + (1 - β_t) x_t from s_0 = initial (null: the first value). With
  // debias, (s_t - P_t s_0) / (1 - P_t), P_t the running product of the decays. ``decay`` is
  // one number for every step or one per step.
  function series(x, decay, initial, debias) {
    const n = x.length;
    const out = new Float64Array(n);
    const perStep = typeof decay !== "number";
    const start = initial === null ? x[0] : initial;
    let s = start;
    let kept = 1;
    for (let t = 0; t < n; t++) {
      const d = perStep ? decay[t] : decay;
      s = d * s + (1 - d) * x[t];
      if (debias) {
        kept = kept * d;
        out[t] = (s - kept * start) / (1 - kept);
      } else {
        out[t] = s;
      }
    }
    return out;
  }

  // tf.train.ExponentialMovingAverage(decay, num_updates=t): min(β, (1 + t) / (10 + t)) at
  // t = 0, 1, ..., n - 1 (ema_core.tf_decay).
  function tfDecays(decay, n) {
    const out = new Float64Array(n);
    for (let t = 0; t < n; t++) out[t] = Math.min(decay, (1 + t) / (10 + t));
    return out;
  }

  // The variants of ema_lab/model/variants.py a page may draw from one decay: null where the
  // variant does not exist (no debiased EMA at a decay of 1).
  const VARIANTS = {
    biased: (x, decay, initial) => series(x, decay, initial, false),
    debiased: (x, decay, initial) => (decay >= 1 ? null : series(x, decay, initial, true)),
    tensorflow: (x, decay, initial) => series(x, tfDecays(decay, x.length), initial, false),
    first_value: (x, decay) => series(x, decay, null, false),
  };

  // A chart's values as the server sends them (ema_lab.plot.figures.as_drawn): float32,
  // unless one lies past float32's range.
  const F32_MAX = 3.4028234663852886e38;
  function asDrawn(values) {
    for (const v of values) if (Math.abs(v) > F32_MAX) return Float64Array.from(values);
    return Float64Array.from(values, Math.fround);
  }

  // An array sent from Python as base64 (ema_lab.model.text.base64_floats), as ``ArrayType``
  // (Float64Array or Float32Array).
  function fromBase64(text, ArrayType) {
    return new ArrayType(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)).buffer);
  }

  return { series, tfDecays, VARIANTS, asDrawn, fromBase64 };
})();
