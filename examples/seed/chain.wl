(* The reference page's chain of linear layers; netport initializes it with --init. *)
NetChain[{LinearLayer[3], LinearLayer[2]}, "Input" -> 2]
