import { z } from 'zod';
import { NetError } from '../errors';
import { type ArrayFunction, compileArrayFunction, describeArrayFunction } from '../functions/array';
import { isSymbol } from '../wolfram/ast';
import { parse } from '../wolfram/parse';
import { printExpr } from '../wolfram/print';
import { realInput } from './common';
import { defineLayer } from './define';
import type { ParamCodec } from './wolfram-form';

/** The ports of a function; undefined for a malformed one (inference then says why). */
function portsOf(text: unknown): string[] | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return [...describeArrayFunction(text).ports];
  } catch (e) {
    if (e instanceof NetError) return undefined;
    throw e;
  }
}

/** A pure function (`Total[#^2] &`), `Apply[f]` or a bare symbol: its canonical InputForm text. */
const FUNCTION: ParamCodec = {
  read(e, ctx) {
    const applied = e.kind === 'call' && isSymbol(e.head, 'Apply') && e.args.length === 1 && e.args[0]!.kind === 'function';
    if (e.kind !== 'function' && e.kind !== 'symbol' && !applied) return ctx.fail(`expected a pure function such as Total[#^2] &, got ${ctx.show(e)}`, e);
    return printExpr(e);
  },
  print: (v) => printExpr(parse(String(v))),
};

/**
 * FunctionLayer[f] (13.x): a Wolfram function over the layer's input arrays, lowered to
 * netport's layers when the net is loaded (lib/functions/array.ts says which constructs
 * and how the ports are named). JSON: {"type": "FunctionLayer", "Function": "#x . #y &",
 * "x": [2, 3], "y": 3}: the function as Wolfram text, and the port shapes under the
 * ports' names. The output port is "Output"; functions returning an association (several
 * outputs) are not supported.
 */
export const FunctionLayer = defineLayer({
  type: 'FunctionLayer',
  wolfram: { positional: ['Function'], params: { Function: FUNCTION } },
  params: {
    Function: z.string().describe('a Wolfram pure function over the input arrays, such as "Total[#^2] &" or "#x . #y &"'),
  },
  inputs: { named: (p) => portsOf(p.Function) },
  infer(ctx) {
    const ports = Object.keys(ctx.inputs);
    // A malformed function left the layer without ports: say why, with its place.
    if (ports.length === 0) describeArrayFunction(ctx.params.Function, { where: `${ctx.where} "Function"` });
    const types = ports.map((p) => realInput(ctx, p));
    const f = compileArrayFunction(ctx.params.Function, types.map((t) => t.dims), { where: `${ctx.where} "Function"` });
    if (f.ports.includes('Output')) ctx.fail('names an input port "Output", which is the output port', 'Function');
    return { inputs: Object.fromEntries(ports.map((p, i) => [p, types[i]!])), outputs: { Output: { dims: [...f.dims] } }, arrays: {}, plan: f };
  },
  forward({ inputs, plan }) {
    const f = plan as ArrayFunction;
    return { Output: f.run(f.ports.map((p) => inputs[p]!)) };
  },
  examples: [
    { title: 'Function="Total[#^2] &" Input={4}', layer: { Function: 'Total[#^2] &', Input: 4 } },
    { title: 'Function="Mean[Tanh[#]] - Max[#] &" Input={3, 2}', layer: { Function: 'Mean[Tanh[#]] - Max[#] &', Input: [3, 2] } },
    { title: 'Function="#x*Exp[-#y^2] + 1 &" x={2, 3} y={2, 3}', layer: { Function: '#x*Exp[-#y^2] + 1 &', x: [2, 3], y: [2, 3] } },
    { title: 'Function="#v + #m &" v={2} m={2, 3} (Wolfram listability)', layer: { Function: '#v + #m &', v: 2, m: [2, 3] } },
    { title: 'Function="#a . #b &" a={2, 3} b={3}', layer: { Function: '#a . #b &', a: [2, 3], b: 3 } },
    { title: 'Function="Transpose[#] . # &" Input={3, 2}', layer: { Function: 'Transpose[#] . # &', Input: [3, 2] } },
    { title: 'Function="#[[1]] - 2*#[[-1]] + #[[2, 1]] &" Input={3, 4}', layer: { Function: '#[[1]] - 2*#[[-1]] + #[[2, 1]] &', Input: [3, 4] } },
    { title: 'Function="#[[2 ;; 3, {1, 3}]] &" Input={3, 3}', layer: { Function: '#[[2 ;; 3, {1, 3}]] &', Input: [3, 3] } },
    { title: 'Function="Catenate[{#x, Tanh[#y]}] &" x={2, 3} y={1, 3}', layer: { Function: 'Catenate[{#x, Tanh[#y]}] &', x: [2, 3], y: [1, 3] } },
    { title: 'Function="Apply[# + 2*#2 &]" Input1={3} Input2={3}', layer: { Function: 'Apply[# + 2*#2 &]', Input1: 3, Input2: 3 } },
    { title: 'Function="Function[{u, v}, Total[u*v, 2]]" u={2, 3} v={2, 3}', layer: { Function: 'Function[{u, v}, Total[u*v, 2]]', u: [2, 3], v: [2, 3] } },
    { title: 'Function="{Sin[#], LogisticSigmoid[#]} &" Input={2}', layer: { Function: '{Sin[#], LogisticSigmoid[#]} &', Input: 2 } },
    { title: 'Function="Reverse[Flatten[#, 1]] - Flatten[#, 1] &" Input={2, 2, 3}', layer: { Function: 'Reverse[Flatten[#, 1]] - Flatten[#, 1] &', Input: [2, 2, 3] } },
    { title: 'Function="Transpose[#, {2, 3, 1}] &" Input={2, 3, 2}', layer: { Function: 'Transpose[#, {2, 3, 1}] &', Input: [2, 3, 2] } },
  ],
});
