/**
 * The one place that imports TensorFlow.js. The union package registers the
 * gradients; tfjs-backend-wasm registers the wasm backend. Everything else in
 * netport imports `tf` from here.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };
