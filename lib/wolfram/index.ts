/** The Wolfram-syntax layer: read and write nets, data, requests and results as Wolfram InputForm. */
export type { Expr } from './ast';
export { parse, locate, WolframSyntaxError, type ParseOptions } from './parse';
export {
  formatReal,
  formatString,
  printExpr,
  printValue,
  printSpec,
  printRequest,
  printResult,
  printData,
  type RealFormat,
  type ValueFormat,
  type DataFormat,
} from './print';
export { printNet } from './print-net';
export {
  translateNet,
  translateData,
  translateRequest,
  translateResult,
  translateCase,
  type WolframData,
  type WolframRequest,
  type WolframResult,
  type WolframCase,
  type WolframExpectation,
  type JsonCase,
  type DataOptions,
} from './translate';
export {
  compilePureFunction,
  describePureFunction,
  constantValue,
  NAMED_FUNCTIONS,
  type PureFunction,
  type PureFunctionInfo,
  type CompileOptions,
} from '../functions/pure';
export type { Json, JsonObject, NetJson, SpecJson, GradientTarget } from './json';
