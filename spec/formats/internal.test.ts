/**
 * The internal form as Mathematica prints it (InputForm), read into net descriptions:
 * the forms the fixture files do not show, and what is refused.
 */
import { isNetError } from '../../lib/errors';
import { netFromText } from '../../lib/formats';
import { translateNet } from '../../lib/wolfram/translate';

const linear = (arrays: string, extra = '') =>
  `LinearLayer[<|"Type" -> "Linear", "Arrays" -> <|${arrays}|>, "Parameters" -> <|"OutputDimensions" -> {2}${extra}|>, ` +
  `"Inputs" -> <|"Input" -> TensorT[{3}, RealT]|>, "Outputs" -> <|"Output" -> TensorT[{2}, RealT]|>|>, <|"Version" -> "13.0.3"|>]`;

const error = (f: () => unknown) => {
  try {
    f();
    return 'read';
  } catch (e) {
    return isNetError(e) ? `${e.code}: ${e.message}` : String(e);
  }
};

test('a bare layer, with arrays as NumericArray, RawArray, packed lists or None', () => {
  const w = '{{1., 2., 3.}, {4., 5., 6.}}';
  const wanted = { type: 'LinearLayer', OutputDimensions: [2], Weights: { Dimensions: [2, 3], Data: [1, 2, 3, 4, 5, 6] }, Input: [3], Output: [2] };
  expect(netFromText(linear(`"Weights" -> NumericArray[${w}, "Real32"], "Biases" -> None`))).toEqual({ ...wanted, Biases: null });
  expect(netFromText(linear(`"Weights" -> RawArray["Real32", ${w}], "Biases" -> {0.5, -0.5}`))).toEqual({ ...wanted, Biases: { Dimensions: [2], Data: [0.5, -0.5] } });
  // The Wolfram-text reader takes the internal form as well.
  expect(translateNet(linear(`"Weights" -> ${w}`))).toEqual(wanted);
});

test('integer ports, graphs with positional nodes, and edges from NetPaths', () => {
  const net = netFromText(
    'NetGraph[<|"Type" -> "Graph", "Nodes" -> <|' +
      '"1" -> <|"Type" -> "Embedding", "Arrays" -> <|"Weights" -> {{1., 2.}, {3., 4.}, {5., 6.}}|>, "Parameters" -> <|"OutputDimension" -> 2, "ClassCount" -> 3|>, ' +
      '"Inputs" -> <|"Input" -> TensorT[{4}, IndexIntegerT[3]]|>, "Outputs" -> <|"Output" -> TensorT[{4, 2}, RealT]|>|>, ' +
      '"2" -> <|"Type" -> "Total", "Arrays" -> <||>, "Parameters" -> <||>, "Inputs" -> <||>, "Outputs" -> <|"Output" -> TensorT[{4, 2}, RealT]|>|>|>, ' +
      '"Edges" -> {NetPath["Nodes", "1", "Inputs", "Input"] -> NetPath["Inputs", "Input"], NetPath["Nodes", "2", "Inputs", "Input1"] -> NetPath["Nodes", "1", "Outputs", "Output"], ' +
      'NetPath["Nodes", "2", "Inputs", "Input2"] -> NetPath["Nodes", "1", "Outputs", "Output"], NetPath["Outputs", "Output"] -> NetPath["Nodes", "2", "Outputs", "Output"]}, ' +
      '"Inputs" -> <|"Input" -> TensorT[{4}, IndexIntegerT[3]]|>, "Outputs" -> <|"Output" -> TensorT[{4, 2}, RealT]|>|>]',
  );
  expect(net).toEqual({
    type: 'NetGraph',
    Layers: [
      { type: 'EmbeddingLayer', OutputDimension: 2, ClassCount: 3, Weights: { Dimensions: [3, 2], Data: [1, 2, 3, 4, 5, 6] }, Input: { Index: 3, Dimensions: [4] }, Output: [4, 2] },
      { type: 'TotalLayer', Output: [4, 2] },
    ],
    Edges: [
      [{ NetPort: 'Input' }, { NetPort: [1, 'Input'] }],
      [{ NetPort: [1, 'Output'] }, { NetPort: [2, 'Input1'] }],
      [{ NetPort: [1, 'Output'] }, { NetPort: [2, 'Input2'] }],
      [{ NetPort: [2, 'Output'] }, { NetPort: 'Output' }],
    ],
    Input: { Index: 3, Dimensions: [4] },
    Output: [4, 2],
  });
});

test.each([
  [linear('"Weights" -> ExportedArray[1]'), 'invalid_net: Invalid net: NetPath["Arrays", "Weights"]: ExportedArray[1] refers to an array of a .wlnet file, which is not there'],
  [linear('"Scaling" -> {1.}'), 'invalid_net: Invalid net: NetPath["Arrays", "Scaling"]: LinearLayer has no array "Scaling"'],
  [linear('', ', "$InputDimensions" -> {4}'), 'invalid_net: Invalid net: NetPath["Parameters", "$InputDimensions"]: is {4}, but the layer\'s shapes give {3}'],
  [linear('').replace('"OutputDimensions" -> {2}', '"OutputDimensions" -> {0}'), 'invalid_net: Invalid net: NetPath["Parameters", "OutputDimensions"]: expected a positive integer or a list of them, got {0}'],
  ['NetChain[<|"Type" -> "Chain", "Nodes" -> <|"1" -> <|"Type" -> "Function", "Parameters" -> <|"Function" -> Function[#^2]|>|>|>|>]', expect.stringMatching(/^unsupported: Unsupported: NetPath\["Nodes", "1"\]: FunctionLayer\[Function\[Power\[Slot\[1\], 2\]\]\] without a compiled inner net is not supported|^read$/)],
  [linear('', '').replace('TensorT[{3}, RealT]', 'NetEncoder["Image", <|"ImageSize" -> {4, 4}|>, TensorT[{3, 4, 4}, RealT]]'), expect.stringMatching(/^unsupported: .*NetEncoder\["Image"\] is not supported yet|^read$/)],
  [linear('', '').replace('TensorT[{3}, RealT]', 'TensorT[{LengthVar[1]}, RealT]'), 'unsupported: Unsupported: NetPath["Inputs", "Input"]: the dimension LengthVar[1] is not supported (fixed sizes only)'],
  ['NetGraph[<|"Type" -> "Graph", "Nodes" -> <|"a" -> <|"Type" -> "Total"|>|>, "Edges" -> {NetPath["Nodes", "b", "Inputs", "Input1"] -> NetPath["Inputs", "x"]}|>]', 'invalid_net: Invalid net: NetPath["Edges", "1"]: refers to the node "b", which does not exist'],
  ['NetChain[<|"Type" -> "Chain", "Nodes" -> <|"2" -> <|"Type" -> "Total"|>|>|>]', 'unsupported: Unsupported: NetPath["Nodes"]: node names that look like integers would change order in JSON'],
])('%s', (text, message) => {
  expect(error(() => netFromText(text))).toEqual(message);
});
