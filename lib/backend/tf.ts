/**
 * The one place that imports TensorFlow.js. The union package registers the
 * gradients; tfjs-backend-wasm registers the wasm backend. Everything else in
 * netport imports `tf` from here.
 */
import tfjs = require('@tensorflow/tfjs');
import '@tensorflow/tfjs-backend-wasm';

/**
 * The module object itself. `import * as` (with esModuleInterop) and `export { tf }` both
 * compile to getters in CommonJS, which would run on every op of every evaluation.
 */
export const tf = tfjs;

/** The TensorFlow.js types netport names as `tf.X`. */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace tf {
  type Tensor<R extends tfjs.Rank = tfjs.Rank> = tfjs.Tensor<R>;
  type Tensor1D = tfjs.Tensor1D;
  type Tensor2D = tfjs.Tensor2D;
  type Tensor3D = tfjs.Tensor3D;
  type Tensor4D = tfjs.Tensor4D;
  type Tensor5D = tfjs.Tensor5D;
  type DataType = tfjs.DataType;
  type Rank = tfjs.Rank;
  type NamedAttrMap = tfjs.NamedAttrMap;
  namespace backend_util {
    type Conv2DInfo = tfjs.backend_util.Conv2DInfo;
    type Conv3DInfo = tfjs.backend_util.Conv3DInfo;
    type ExplicitPadding = tfjs.backend_util.ExplicitPadding;
  }
}
