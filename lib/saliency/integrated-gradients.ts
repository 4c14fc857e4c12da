/**
 * Integrated Gradients (Sundararajan et al. 2017, "Axiomatic Attribution for Deep
 * Networks"): (x - x0) * the integral over a in [0, 1] of the gradient at x0 + a (x - x0),
 * the integral taken as Captum does by default: 50 steps of Gauss-Legendre quadrature,
 * baseline x0 = 0. Completeness: the attributions sum to f(x) - f(x0), up to the
 * quadrature's error (exact for polynomials of degree 2 steps - 1 along the path), which
 * the result reports. The steps go through the net as one batch where `batchSize` allows.
 */
import { netError } from '../errors';
import { objectives, weightedGradients, type Problem } from './problem';

export interface IntegratedGradientsOptions {
  readonly steps?: number;
  /** A number (every element) or an array like the input; default 0. */
  readonly baseline?: number | ArrayLike<number>;
}

export interface Completeness {
  /** The sum of the attributions. */
  readonly sum: number;
  /** f(x) - f(baseline), the objective's difference, float64. */
  readonly difference: number;
}

export function integratedGradients(p: Problem, options: IntegratedGradientsOptions = {}): { map: Float64Array; completeness: Completeness } {
  const steps = options.steps ?? 50;
  if (!(Number.isInteger(steps) && steps > 0)) throw netError('unsupported', `Integrated Gradients: steps must be a positive integer, got ${steps}`);
  const n = p.x.length;
  const base = new Float32Array(n);
  const b = options.baseline ?? 0;
  if (typeof b === 'number') base.fill(b);
  else if (b.length === n) base.set(b);
  else throw netError('invalid_data', `Integrated Gradients: the baseline has ${b.length} values, the input ${n}`);
  const { nodes, weights } = gaussLegendre(steps);
  const sum = weightedGradients(
    p,
    steps,
    (k) => weights[k]!,
    (k, into) => {
      const a = nodes[k]!;
      for (let i = 0; i < n; i++) into[i] = base[i]! + a * (p.x[i]! - base[i]!);
    },
  );
  let total = 0;
  for (let i = 0; i < n; i++) {
    sum[i] = sum[i]! * (p.x[i]! - base[i]!);
    total += sum[i]!;
  }
  const [fx, f0] = objectives(p, [p.x, base]);
  return { map: sum, completeness: { sum: total, difference: fx! - f0! } };
}

/**
 * Gauss-Legendre nodes and weights on [0, 1] (Captum's `gausslegendre`: numpy's leggauss
 * on [-1, 1], mapped by a = (t + 1) / 2 with weights halved), by Newton's method on the
 * Legendre polynomial, in float64; nodes ascending.
 */
export function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * t * p1 - (k - 1) * p0) / k];
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const dt = p1 / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-16) break;
    }
    const w = 2 / ((1 - t * t) * dp * dp);
    // t descends with i: the node n - 1 - i is t, the node i is -t.
    nodes[i] = (1 - t) / 2;
    nodes[n - 1 - i] = (1 + t) / 2;
    weights[i] = w / 2;
    weights[n - 1 - i] = w / 2;
  }
  return { nodes, weights };
}
