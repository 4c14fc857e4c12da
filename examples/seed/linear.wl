LinearLayer[2, "Input" -> 3]
