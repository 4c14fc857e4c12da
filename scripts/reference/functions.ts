/**
 * Scalar functions in float64, written from their mathematical definitions (Wolfram's
 * where the notes say so), and the kink margin: every branch point the evaluation passes
 * (Ramp at 0, a Max between two candidates, an If condition) records how far the value
 * was from it, so the generator can refuse data that sits near a kink or a tie (where
 * float32 rounding or a finite difference could take the other branch).
 */

let margin = Infinity;

/** Records that a branch was decided by the sign of `distance`. */
export function kink(distance: number): void {
  margin = Math.min(margin, Math.abs(distance));
}

/** Runs `f` and returns its result with the smallest kink distance seen inside. */
export function withMargin<T>(f: () => T): { value: T; margin: number } {
  const saved = margin;
  margin = Infinity;
  try {
    const value = f();
    return { value, margin };
  } finally {
    margin = Math.min(saved, margin);
  }
}

export function ramp(x: number): number {
  kink(x);
  return x > 0 ? x : 0;
}

export function abs(x: number): number {
  kink(x);
  return Math.abs(x);
}

export function max2(a: number, b: number): number {
  kink(a - b);
  return a >= b ? a : b;
}

export function min2(a: number, b: number): number {
  kink(a - b);
  return a <= b ? a : b;
}

/** Clip[x, {lo, hi}]. */
export function clip(x: number, lo: number, hi: number): number {
  kink(x - lo);
  kink(x - hi);
  return x < lo ? lo : x > hi ? hi : x;
}

export const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * erf in float64: the Maclaurin series below 2.5 (terms stay below 1e3, so at most 3 of
 * the 16 digits cancel), the continued fraction of erfc above (Lentz's method).
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  let r: number;
  if (a < 2.5) {
    // erf(x) = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
    const tiny = 1e-300;
    let f = a;
    let c = a;
    let d = 0;
    for (let n = 1; n < 500; n++) {
      const an = n / 2;
      d = a + an * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = a + an / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      const delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  }
  return x < 0 ? -r : r;
}

/** Two ramps, as the paclet builds HardTanh and HardSigmoid: 0 below -1, x + 1 between, 2 above 1. */
const twoRamps = (x: number) => ramp(x + 1) - ramp(x - 1);

const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA_SCALE = 1.7580993408473766;

/** ElementwiseLayer's functions by name (the symbols and the named activations). */
export const NAMED: Readonly<Record<string, (x: number) => number>> = {
  Ramp: ramp,
  ReLU: ramp,
  LogisticSigmoid: logistic,
  Sigmoid: logistic,
  Tanh: Math.tanh,
  Sin: Math.sin,
  Cos: Math.cos,
  Tan: Math.tan,
  Exp: Math.exp,
  Log: Math.log,
  Sqrt: Math.sqrt,
  Abs: abs,
  Sinh: Math.sinh,
  Cosh: Math.cosh,
  ArcTan: Math.atan,
  ArcSinh: Math.asinh,
  ArcTanh: Math.atanh,
  Erf: erf,
  Square: (x) => x * x,
  ELU: (x) => (kink(x), x >= 0 ? x : Math.exp(x) - 1),
  SELU: (x) => (kink(x), x >= 0 ? SELU_SCALE * x : SELU_ALPHA_SCALE * (Math.exp(x) - 1)),
  GELU: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  Swish: (x) => x * logistic(x),
  HardSwish: (x) => (x * min2(max2(x + 3, 0), 6)) / 6,
  Mish: (x) => x * Math.tanh(Math.log(1 + Math.exp(x))),
  SoftSign: (x) => x / (1 + abs(x)),
  SoftPlus: (x) => Math.log(1 + Math.exp(x)),
  HardTanh: (x) => twoRamps(x) - 1,
  HardSigmoid: (x) => twoRamps(x) / 2,
};

/**
 * The pure functions the cases use, by their text in the case's net, written again by
 * hand (the reference does not parse Wolfram). Arguments are the layer's ports in
 * order: Input1, Input2, ...; for named slots, in order of first appearance.
 */
export const PURE: Readonly<Record<string, (...xs: number[]) => number>> = {
  '#^2 &': (x) => x * x,
  'Max[#, 0.1 #] &': (x) => max2(x, 0.1 * x),
  'If[# > 0, Log[1 + #], Tanh[#]] &': (x) => (kink(x), x > 0 ? Math.log(1 + x) : Math.tanh(x)),
  'Clip[3 Exp[-#^2] + Sin[#]/2, {-1, 2}] &': (x) => clip(3 * Math.exp(-x * x) + Math.sin(x) / 2, -1, 2),
  'Piecewise[{{-#, # < -0.5}, {#^3, # < 0.5}}, 2 #] &': (x) => (kink(x + 0.5), kink(x - 0.5), x < -0.5 ? -x : x < 0.5 ? x ** 3 : 2 * x),
  '#1 Exp[-#2^2] + #3 &': (a, b, c) => a * Math.exp(-b * b) + c,
  'If[#1 > #2, #1 - #2, Sin[#1 #2]] &': (a, b) => (kink(a - b), a > b ? a - b : Math.sin(a * b)),
  // Named slots: #y is Input1 and #x is Input2 (first appearance).
  '#y Exp[#x] - #x &': (y, x) => y * Math.exp(x) - x,
  'LogisticSigmoid[#1] #2 + (1 - LogisticSigmoid[#1]) #3 &': (g, a, b) => logistic(g) * a + (1 - logistic(g)) * b,
};
