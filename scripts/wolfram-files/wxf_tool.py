"""WXF through Wolfram's own Python client (wolframclient), for netport's cross-check test.

    python wxf_tool.py canon FILE...    the expressions in WXF files, as canonical JSON (one list)
    python wxf_tool.py types FILE       writes a WXF file holding every token and array type,
                                        and prints its canonical JSON

Canonical JSON (the same in spec/formats/wolframclient.test.ts): {"i": "digits"} an
integer, {"r": x} a real, {"R": "digits"} a big real, {"s": text} a string, {"y": name} a
symbol, {"b": base64} a byte string, {"f": [head, args...]} a function, {"a": [[key,
value, delayed], ...]} an association, {"A": type, "packed": bool, "dims": [...],
"data": [...]} an array (complex values as [re, im] pairs, flattened).
"""
import base64
import json
import struct
import sys

import numpy as np
from wolframclient.deserializers import binary_deserialize
from wolframclient.deserializers.wxf.wxfconsumer import WXFConsumer
from wolframclient.language import wl
from wolframclient.language.array import NumericArray, PackedArray
from wolframclient.serializers import export
from wolframclient.serializers.wxfencoder import constants

TYPE_NAMES = {
    0x00: "Integer8", 0x01: "Integer16", 0x02: "Integer32", 0x03: "Integer64",
    0x10: "UnsignedInteger8", 0x11: "UnsignedInteger16", 0x12: "UnsignedInteger32", 0x13: "UnsignedInteger64",
    0x22: "Real32", 0x23: "Real64", 0x33: "ComplexReal32", 0x34: "ComplexReal64",
}
FORMATS = {
    "Integer8": "b", "Integer16": "h", "Integer32": "i", "Integer64": "q",
    "UnsignedInteger8": "B", "UnsignedInteger16": "H", "UnsignedInteger32": "I", "UnsignedInteger64": "Q",
    "Real32": "f", "Real64": "d", "ComplexReal32": "f", "ComplexReal64": "d",
}


def type_name(code):
    return TYPE_NAMES[code if isinstance(code, int) else ord(code)]


class Canon(WXFConsumer):
    """Builds the canonical JSON straight from wolframclient's tokens."""

    def consume_function(self, token, tokens, **kw):
        head = self.next_expression(tokens, **kw)
        return {"f": [head] + [self.next_expression(tokens, **kw) for _ in range(token.length)]}

    def consume_association(self, token, tokens, **kw):
        return {"a": [self.next_expression(tokens, **kw) for _ in range(token.length)]}

    def consume_rule(self, token, tokens, **kw):
        return [self.next_expression(tokens, **kw), self.next_expression(tokens, **kw), False]

    def consume_rule_delayed(self, token, tokens, **kw):
        return [self.next_expression(tokens, **kw), self.next_expression(tokens, **kw), True]

    def consume_symbol(self, token, tokens, **kw):
        return {"y": token.data}

    def consume_string(self, token, tokens, **kw):
        return {"s": token.data}

    def consume_binary_string(self, token, tokens, **kw):
        return {"b": base64.b64encode(bytes(token.data)).decode()}

    def _int(self, token, tokens, **kw):
        return {"i": str(token.data)}

    consume_integer8 = consume_integer16 = consume_integer32 = consume_integer64 = _int

    def consume_bigint(self, token, tokens, **kw):
        return {"i": str(int(token.data))}

    def consume_real64(self, token, tokens, **kw):
        return {"r": token.data}

    def consume_bigreal(self, token, tokens, **kw):
        return {"R": token.data}

    def _array(self, token, packed):
        name = type_name(token.array_type)
        fmt = FORMATS[name]
        count = len(token.data) // struct.calcsize(fmt)
        data = list(struct.unpack("<%d%s" % (count, fmt), bytes(token.data)))
        return {"A": name, "packed": packed, "dims": list(token.dimensions), "data": data}

    def consume_packed_array(self, token, tokens, **kw):
        return self._array(token, True)

    def consume_numeric_array(self, token, tokens, **kw):
        return self._array(token, False)


def canon(data):
    return binary_deserialize(data, consumer=Canon())


def every_type():
    arrays = []
    for name, dtype in [
        ("Integer8", np.int8), ("Integer16", np.int16), ("Integer32", np.int32), ("Integer64", np.int64),
        ("UnsignedInteger8", np.uint8), ("UnsignedInteger16", np.uint16), ("UnsignedInteger32", np.uint32),
        ("UnsignedInteger64", np.uint64), ("Real32", np.float32), ("Real64", np.float64),
    ]:
        info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
        lo, hi = (int(info.min), int(min(info.max, 2**53 - 1))) if info else (-1.5, 2.25)
        values = np.array([[lo, 0, hi], [1, 2, 3]], dtype=dtype)
        arrays.append(NumericArray(values.flatten().tolist(), name, shape=(2, 3)))
        if not name.startswith("Unsigned"):
            arrays.append(PackedArray(values.flatten().tolist(), name, shape=(2, 3)))
    for name in ["ComplexReal32", "ComplexReal64"]:
        # wolframclient packs complex arrays from their (re, im) pairs
        arrays.append(NumericArray([1.5, -2.0, 0.25, 4.0], name, shape=(2,)))
        arrays.append(PackedArray([1.5, -2.0, 0.25, 4.0], name, shape=(2,)))
    scalars = [0, -1, 127, -128, 128, 32767, -32769, 2**31 - 1, -2**31 - 1, 2**62, 2**70, -2**70,
               0.1, -2.5e-300, 1e308, "text ü \u4e2d", b"\x00\x01\xff", wl.Global.x, wl.System.Pi,
               wl.f(wl.x, wl.y)]
    assoc = {"Weights": arrays[0], "Rule": 1}
    return wl.List(wl.List(*arrays), wl.List(*scalars), assoc, wl.RuleDelayed(wl.a, wl.b))


def main():
    cmd, *args = sys.argv[1:]
    if cmd == "canon":
        out = []
        for path in args:
            with open(path, "rb") as f:
                out.append(canon(f.read()))
        print(json.dumps(out))
    elif cmd == "types":
        data = export(every_type(), target_format="wxf")
        with open(args[0], "wb") as f:
            f.write(data)
        print(json.dumps(canon(data)))
    else:
        raise SystemExit("usage: wxf_tool.py canon FILE... | types FILE")


if __name__ == "__main__":
    main()
