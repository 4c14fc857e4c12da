(* The reference page's application: a PoolingLayer chained to a PartLayer that extracts
   the red channel, on images encoded at 480 x 320 (the size of photo.png). *)
NetChain[{PoolingLayer[{4, 4}], PartLayer[1]}, "Input" -> NetEncoder[{"Image", {480, 320}}]]
