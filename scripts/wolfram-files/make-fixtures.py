"""Writes fixtures/wolfram-files/: small nets in Mathematica's internal form as WXF (plain
and 8C: compressed), InputForm text and .wlnet, written independently of netport's
writers: WXF by Wolfram's own Python client (wolframclient), .wlnet by h5py with the
Compress string (`1:` + Base64(zlib(!boR ...))) encoded here, all in the layout of the
real 13.0.3 file described in WOLFRAM-FORMATS.md. Beside each net, NAME.description (JSON, named so that `netport check` does not take it for a case file)
is the netport description the readers must give.

    scripts/python-env.sh   # prints the python to use
    .venv-test/bin/python scripts/wolfram-files/make-fixtures.py
"""
import base64
import json
import os
import struct
import zlib

import h5py
import numpy as np
from wolframclient.language import wl
from wolframclient.language.array import NumericArray
from wolframclient.language.expression import WLFunction, WLSymbol
from wolframclient.serializers import export

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "wolfram-files")
VERSION = {"Version": "13.0.3", "Unstable": False}
rng = np.random.default_rng(20261203)


def f32(shape):
    return rng.uniform(-1, 1, size=shape).astype(np.float32)


def tensor(dims, index=None):
    return wl.TensorT(list(dims), wl.IndexIntegerT(index) if index else wl.RealT)


def path(*parts):
    return wl.NetPath(*parts)


class Arr:
    """An array of the net: NumericArray in WXF and text, ExportedArray[k] in .wlnet."""

    def __init__(self, values):
        self.values = values


def linear(w, b, inp, out):
    return {
        "Type": "Linear",
        "Arrays": {"Weights": Arr(w), "Biases": Arr(b)},
        "Parameters": {"OutputDimensions": [out], "$OutputSize": out, "$InputSize": int(np.prod(inp)), "$InputDimensions": list(inp)},
        "Inputs": {"Input": tensor(inp)},
        "Outputs": {"Output": tensor([out])},
    }


def function_tanh(dims):
    """A chain element `Tanh` as 13.0.3 stores it: a Function node around an Elementwise net."""
    inner = {
        "Type": "Elementwise",
        "Arrays": {},
        "Parameters": {"Function": wl.ValidatedParameter(wl.Tanh), "$Dimensions": list(dims)},
        "Inputs": {"Input": tensor(dims)},
        "Outputs": {"Output": tensor(dims)},
    }
    return {
        "Type": "Function",
        "Arrays": {},
        "Parameters": {"Function": wl.Tanh, "Net": inner, "$InputNames": ["Input"], "$OutputNames": ["Output"]},
        "Inputs": {"Input": tensor(dims)},
        "Outputs": {"Output": tensor(dims)},
    }


def chain_edges(n):
    edges = [wl.Rule(path("Nodes", "1", "Inputs", "Input"), path("Inputs", "Input"))]
    for i in range(2, n + 1):
        edges.append(wl.Rule(path("Nodes", str(i), "Inputs", "Input"), path("Nodes", str(i - 1), "Outputs", "Output")))
    edges.append(wl.Rule(path("Outputs", "Output"), path("Nodes", str(n), "Outputs", "Output")))
    return edges


def nested(a):
    return {"Dimensions": list(a.shape), "Data": [float(x) for x in a.flatten()]}


# ---- net 1: a chain like the real file: Linear, Tanh (a Function node), Linear, Scalar decoder

w1, b1, w2, b2 = f32((3, 2)), f32((3,)), f32((1, 3)), f32((1,))
chain = {
    "Type": "Chain",
    "Nodes": {"1": linear(w1, b1, [2], 3), "2": function_tanh([3]), "3": linear(w2, b2, [3], 1)},
    "Edges": chain_edges(3),
    "Inputs": {"Input": tensor([2])},
    "Outputs": {"Output": wl.NetDecoder("Scalar", {"$Version": "13.0.3"}, tensor([1]))},
}
chain_expected = {
    "type": "NetChain",
    "Layers": [
        {"type": "LinearLayer", "OutputDimensions": [3], "Weights": nested(w1), "Biases": nested(b1), "Input": [2], "Output": [3]},
        {"type": "ElementwiseLayer", "Function": "Tanh", "Input": [3], "Output": [3]},
        {"type": "LinearLayer", "OutputDimensions": [1], "Weights": nested(w2), "Biases": nested(b2), "Input": [3], "Output": [1]},
    ],
    "Input": [2],
    "Output": [1],
}

# ---- net 2: a graph of named nodes with a loss and a second input

w3, b3 = f32((2, 3)), f32((2,))
graph = {
    "Type": "Graph",
    "Nodes": {
        "lin": linear(w3, b3, [3], 2),
        "ramp": {
            "Type": "Elementwise",
            "Arrays": {},
            "Parameters": {"Function": wl.ValidatedParameter(wl.Ramp), "$Dimensions": [2]},
            "Inputs": {"Input": tensor([2])},
            "Outputs": {"Output": tensor([2])},
        },
        "loss": {
            "Type": "MeanSquaredLoss",
            "Arrays": {},
            "Parameters": {},
            "Inputs": {"Input": tensor([2]), "Target": tensor([2])},
            "Outputs": {"Loss": tensor([])},
        },
    },
    "Edges": [
        wl.Rule(path("Nodes", "lin", "Inputs", "Input"), path("Inputs", "Input")),
        wl.Rule(path("Nodes", "ramp", "Inputs", "Input"), path("Nodes", "lin", "Outputs", "Output")),
        wl.Rule(path("Nodes", "loss", "Inputs", "Input"), path("Nodes", "ramp", "Outputs", "Output")),
        wl.Rule(path("Nodes", "loss", "Inputs", "Target"), path("Inputs", "Target")),
        wl.Rule(path("Outputs", "Loss"), path("Nodes", "loss", "Outputs", "Loss")),
    ],
    "Inputs": {"Input": tensor([3]), "Target": tensor([2])},
    "Outputs": {"Loss": tensor([])},
}
graph_expected = {
    "type": "NetGraph",
    "Layers": {
        "lin": {"type": "LinearLayer", "OutputDimensions": [2], "Weights": nested(w3), "Biases": nested(b3), "Input": [3], "Output": [2]},
        "ramp": {"type": "ElementwiseLayer", "Function": "Ramp", "Input": [2], "Output": [2]},
        "loss": {"type": "MeanSquaredLossLayer", "Input": [2], "Target": [2], "Loss": "Real"},
    },
    "Edges": [
        [{"NetPort": "Input"}, {"NetPort": ["lin", "Input"]}],
        [{"NetPort": ["lin", "Output"]}, {"NetPort": ["ramp", "Input"]}],
        [{"NetPort": ["ramp", "Output"]}, {"NetPort": ["loss", "Input"]}],
        [{"NetPort": "Target"}, {"NetPort": ["loss", "Target"]}],
        [{"NetPort": ["loss", "Loss"]}, {"NetPort": "Loss"}],
    ],
    "Input": [3],
    "Target": [2],
    "Loss": "Real",
}

# ---- net 3: convolution and pooling on a {1, 4, 4} image, then an index-valued target

wc, bc = f32((2, 1, 2, 2)), f32((2,))
conv = {
    "Type": "Chain",
    "Nodes": {
        "1": {
            "Type": "Convolution",
            "Arrays": {"Weights": Arr(wc), "Biases": Arr(bc)},
            "Parameters": {
                "OutputChannels": 2, "KernelSize": [2, 2], "Stride": [1, 1], "PaddingSize": [[0, 0], [0, 0]],
                "Dilation": [1, 1], "Dimensionality": 2, "InputChannels": 1, "$GroupNumber": 1, "Interleaving": False,
                "$InputSize": [4, 4], "$OutputSize": [3, 3],
            },
            "Inputs": {"Input": tensor([1, 4, 4])},
            "Outputs": {"Output": tensor([2, 3, 3])},
        },
        "2": {
            "Type": "Pooling",
            "Arrays": {},
            "Parameters": {
                "KernelSize": [2, 2], "Stride": [1, 1], "PaddingSize": [[0, 0], [0, 0]], "Function": wl.Max,
                "Dimensionality": 2, "Channels": 2, "Interleaving": False, "$InputSize": [3, 3], "$OutputSize": [2, 2],
            },
            "Inputs": {"Input": tensor([2, 3, 3])},
            "Outputs": {"Output": tensor([2, 2, 2])},
        },
    },
    "Edges": chain_edges(2),
    "Inputs": {"Input": tensor([1, 4, 4])},
    "Outputs": {"Output": tensor([2, 2, 2])},
}
conv_expected = {
    "type": "NetChain",
    "Layers": [
        {"type": "ConvolutionLayer", "OutputChannels": 2, "KernelSize": [2, 2], "Stride": [1, 1], "PaddingSize": [[0, 0], [0, 0]],
         "Dilation": [1, 1], "ChannelGroups": 1, "Weights": nested(wc), "Biases": nested(bc), "Input": [1, 4, 4], "Output": [2, 3, 3]},
        {"type": "PoolingLayer", "KernelSize": [2, 2], "Stride": [1, 1], "PaddingSize": [[0, 0], [0, 0]], "Function": "Max",
         "Input": [2, 3, 3], "Output": [2, 2, 2]},
    ],
    "Input": [1, 4, 4],
    "Output": [2, 2, 2],
}

NETS = [("chain", "NetChain", chain, chain_expected), ("graph", "NetGraph", graph, graph_expected), ("conv", "NetChain", conv, conv_expected)]


# ---- the three encodings

def for_wxf(e):
    """Arrays as NumericArray[..., "Real32"] (what 13.x puts in WXF and InputForm)."""
    if isinstance(e, Arr):
        return NumericArray(e.values.flatten().tolist(), "Real32", shape=e.values.shape)
    if isinstance(e, dict):
        return {k: for_wxf(v) for k, v in e.items()}
    if isinstance(e, list):
        return [for_wxf(v) for v in e]
    if isinstance(e, WLFunction):
        return WLFunction(e.head, *[for_wxf(a) for a in e.args])
    return e


def text_numeric_array(a):
    def rec(x):
        if x.ndim == 0:
            return repr(float(x))
        return "{" + ", ".join(rec(y) for y in x) + "}"
    return 'NumericArray[%s, "Real32"]' % rec(a)


def input_form(e):
    """InputForm text, written here (wolframclient's text export would inline arrays as WXF)."""
    if isinstance(e, Arr):
        return text_numeric_array(e.values)
    if isinstance(e, bool):
        return "True" if e else "False"
    if isinstance(e, int):
        return str(e)
    if isinstance(e, float):
        return repr(e)
    if isinstance(e, str):
        return json.dumps(e)
    if isinstance(e, dict):
        return "<|" + ", ".join("%s -> %s" % (json.dumps(k), input_form(v)) for k, v in e.items()) + "|>"
    if isinstance(e, list):
        return "{" + ", ".join(input_form(v) for v in e) + "}"
    if isinstance(e, WLSymbol):
        return e.name
    head = e.head.name
    if head == "Rule":
        return "%s -> %s" % (input_form(e.args[0]), input_form(e.args[1]))
    return "%s[%s]" % (head, ", ".join(input_form(a) for a in e.args))


def bor(e, arrays):
    """The !boR serialization that Compress wraps (int32 little-endian lengths)."""
    def s(tag, text):
        b = text.encode("utf-8")
        return tag + struct.pack("<i", len(b)) + b

    def call(head, args):
        return b"f" + struct.pack("<i", len(args)) + s(b"s", head) + b"".join(args)

    if isinstance(e, Arr):
        arrays.append(e.values)
        return call("ExportedArray", [b"i" + struct.pack("<i", len(arrays))])
    if isinstance(e, bool):
        return s(b"s", "True" if e else "False")
    if isinstance(e, int):
        return b"i" + struct.pack("<i", e)
    if isinstance(e, float):
        return b"r" + struct.pack("<d", e)
    if isinstance(e, str):
        return s(b"S", e)
    if isinstance(e, dict):
        return call("Association", [call("Rule", [s(b"S", k), bor(v, arrays)]) for k, v in e.items()])
    if isinstance(e, list):
        return call("List", [bor(v, arrays) for v in e])
    if isinstance(e, WLSymbol):
        return s(b"s", e.name)
    return call(e.head.name, [bor(a, arrays) for a in e.args])


def compress(body):
    return "1:" + base64.b64encode(zlib.compress(body)).decode()


def write_wlnet(file, net):
    arrays = []
    network = compress(b"!boR" + bor(net, arrays))
    metadata = compress(b"!boR" + bor(dict(VERSION), []))
    string = h5py.string_dtype("utf-8")
    with h5py.File(file, "w") as f:
        f.create_dataset("Version", data="13.0.3", dtype=string)
        f.create_dataset("Unstable", data=np.int64(0))
        f.create_dataset("Network", data=network, dtype=string)
        group = f.create_group("Arrays")
        for i, a in enumerate(arrays):
            group.create_dataset(str(i + 1), data=a)
        f.create_dataset("Metadata", data=metadata, dtype=string)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, head, net, expected in NETS:
        top = getattr(wl, head)(for_wxf(net), VERSION)
        with open(os.path.join(OUT, name + ".wxf"), "wb") as f:
            f.write(export(top, target_format="wxf"))
        with open(os.path.join(OUT, name + ".compressed.wxf"), "wb") as f:
            f.write(export(top, target_format="wxf", compress=True))
        with open(os.path.join(OUT, name + ".wl"), "w") as f:
            f.write("%s[%s, %s]\n" % (head, input_form(net), input_form(dict(VERSION))))
        write_wlnet(os.path.join(OUT, name + ".wlnet"), net)
        with open(os.path.join(OUT, name + ".description"), "w") as f:
            json.dump(expected, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
