(* A hand-made classifier of an image's dominant colour, for saliency maps: per pixel, how
   much each channel exceeds the mean of the other two (a 1 x 1 convolution), kept where
   positive, averaged over the image; a softmax over the three colours. *)
NetChain[{
  ConvolutionLayer[3, {1, 1},
    "Weights" -> {{{{8.}}, {{-4.}}, {{-4.}}}, {{{-4.}}, {{8.}}, {{-4.}}}, {{{-4.}}, {{-4.}}, {{8.}}}},
    "Biases" -> {0., 0., 0.}],
  Ramp,
  AggregationLayer[Mean],
  SoftmaxLayer[]},
 "Input" -> NetEncoder[{"Image", {240, 160}}],
 "Output" -> NetDecoder[{"Class", {"red", "green", "blue"}}]]
