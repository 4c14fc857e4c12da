NetGraph[
  {
    LinearLayer[3, "Weights" -> {{0.5, -0.25, 0.1, 0.3}, {-0.4, 0.2, 0.6, -0.1}, {0.05, 0.35, -0.3, 0.45}}, "Biases" -> {0.1, 0., -0.1}],
    Ramp,
    LinearLayer[2, "Weights" -> {{0.7, -0.6, 0.2}, {-0.3, 0.8, 0.5}}, "Biases" -> {0., 0.05}],
    SoftmaxLayer[],
    CrossEntropyLossLayer["Index"]
  },
  {1 -> 2 -> 3 -> 4 -> 5},
  "Input" -> 4
]
