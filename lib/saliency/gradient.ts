/**
 * The plain input gradient (Simonyan et al. 2014), what Wolfram's
 * `net[x, NetPortGradient["Input"]]` returns: one evaluation.
 */
import { weightedGradients, type Problem } from './problem';

export function plainGradient(p: Problem): Float64Array {
  return weightedGradients(p, 1, () => 1, (_, into) => into.set(p.x));
}
