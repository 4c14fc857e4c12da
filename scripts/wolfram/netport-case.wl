(* ::Package:: *)

(* netport-case.wl: writes a netport case file (CONTRACT section 5) holding Mathematica's
   own results, so that `netport check FILE` compares netport with Wolfram.

   It runs inside Mathematica (Wolfram Language 12.0 or later). netport's build machines
   have no Wolfram kernel, so this script is never run by the tests: it is kept short
   enough to check by reading.

   Usage, in a notebook or wolframscript:
     Get["scripts/wolfram/netport-case.wl"];
     NetportCase["my-case",
       "NetChain[{LinearLayer[3, \"Weights\" -> {{1., -2.}, {0.5, 1.}, {-1., 0.25}}, \"Biases\" -> {0.1, -0.2, 0.3}], Ramp}, \"Input\" -> 2]",
       <|"Input" -> {0.7, -0.4}|>,
       {NetPortGradient["Input"], NetPortGradient[All], "Output"},
       "my-case.json"]

   The net is given as the text of the code that builds it, with every array written
   out (netport must read the same arrays; `npx netport wl NET.json` prints such code
   for a JSON net). An imposed output gradient goes inside the data, as Wolfram writes
   it: <|"Input" -> {...}, NetPortGradient["Output"] -> {2., -1.}|>. *)

BeginPackage["Netport`"];

NetportCase::usage = "NetportCase[name, netCode, data, requests, file] evaluates net[data, r] \
for each request r and writes a netport case file with the printed results.";

Begin["`Private`"];

inputForm[expr_] := ToString[expr, InputForm, PageWidth -> Infinity];

NetportCase[name_String, netCode_String, data_, requests_List, file_String] :=
  Module[{net = ToExpression[netCode]},
    Export[file,
      <|
        "name" -> name,
        "net" -> netCode,
        "data" -> inputForm[data],
        "expect" -> Map[<|"request" -> inputForm[#], "wolfram" -> inputForm[net[data, #]]|> &, requests]
      |>,
      "RawJSON"]
  ];

End[];

EndPackage[];
