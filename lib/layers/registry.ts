/**
 * The one list of layers netport supports. Adding a layer is one file and one line here;
 * the schema, the JSON Schema, the command line and the test sweep pick it up.
 */
import { AggregationLayer } from './aggregation';
import { ConstantArrayLayer, NetArrayLayer } from './array-layers';
import { BatchNormalizationLayer } from './batch-normalization';
import { CatenateLayer } from './catenate';
import { ConvolutionLayer } from './convolution';
import { CrossEntropyLossLayer } from './cross-entropy';
import type { LayerDef } from './define';
import { DeconvolutionLayer } from './deconvolution';
import { DotLayer } from './dot';
import { DropoutLayer } from './dropout';
import { ElementwiseLayer } from './elementwise';
import { EmbeddingLayer } from './embedding';
import { FlattenLayer } from './flatten';
import { ImageAugmentationLayer } from './image-augmentation';
import { LinearLayer } from './linear';
import { MeanAbsoluteLossLayer, MeanSquaredLossLayer } from './mean-losses';
import { PartLayer } from './part';
import { PaddingLayer } from './padding';
import { ParametricRampLayer } from './parametric-ramp';
import { PoolingLayer } from './pooling';
import { ReplicateLayer } from './replicate';
import { ReshapeLayer } from './reshape';
import { ResizeLayer } from './resize';
import { SoftmaxLayer } from './softmax';
import { SummationLayer } from './summation';
import { ThreadingLayer } from './threading';
import { TotalLayer } from './total';
import { TransposeLayer } from './transpose';
// issue 12 (w12c): normalization layers and FunctionLayer
import { NormalizationLayer } from './normalization';
import { LocalResponseNormalizationLayer } from './local-response-normalization';
import { FunctionLayer } from './function';

export const LAYERS: readonly LayerDef[] = [
  LinearLayer,
  ElementwiseLayer,
  SoftmaxLayer,
  CrossEntropyLossLayer,
  MeanSquaredLossLayer,
  MeanAbsoluteLossLayer,
  PartLayer,
  PoolingLayer,
  ConvolutionLayer,
  BatchNormalizationLayer,
  DropoutLayer,
  EmbeddingLayer,
  ThreadingLayer,
  TotalLayer,
  CatenateLayer,
  SummationLayer,
  ConstantArrayLayer,
  NetArrayLayer,
  FlattenLayer,
  ReshapeLayer,
  ReplicateLayer,
  TransposeLayer,
  AggregationLayer,
  DotLayer,
  // issue 12 (w12c)
  NormalizationLayer,
  LocalResponseNormalizationLayer,
  FunctionLayer,
  ParametricRampLayer,
  PaddingLayer,
  ResizeLayer,
  ImageAugmentationLayer,
  DeconvolutionLayer,
];

const BY_TYPE = new Map(LAYERS.map((l) => [l.type, l]));

export function layerDef(type: string): LayerDef | undefined {
  return BY_TYPE.get(type);
}
