"""
A peer of netport's benchmark (scripts/peers.ts): the `small`, `mlp` and `cnn`
workloads written idiomatically in JAX (jax_peer.py) or PyTorch (torch_peer.py).

    python peer.py --framework jax --dir DIR --threads 2

DIR holds what peers.ts wrote: manifest.json (per workload: its arrays, with dims and an
offset into data.bin) and data.bin (float32 / int32, little-endian). Each workload's
gradients go to DIR/<framework>-<workload>.bin (float32, in the manifest's gradient
order and Wolfram's layout) before anything is timed. Then the peer reads commands from
stdin, one JSON object a line, and answers each with one JSON line on stdout:

    {"cmd": "time", "workload": "mlp", "ms": 400}  ->  {"samples": [ms, ms, ...]}
    {"cmd": "quit"}

A timed call takes the inputs from host (NumPy) memory, computes every requested
gradient and hands them back as NumPy arrays, as a netport evaluation does.
"""
import argparse
import importlib
import json
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--framework", required=True, choices=["jax", "torch"])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    import numpy as np

    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)
    blob = np.fromfile(os.path.join(args.dir, "data.bin"), dtype=np.uint8)

    def array(spec):
        dtype = np.int32 if spec["dtype"] == "int32" else np.float32
        n = int(np.prod(spec["dims"], dtype=np.int64)) if spec["dims"] else 1
        a = blob[spec["offset"]: spec["offset"] + 4 * n].view(dtype)
        return a.reshape(spec["dims"]).copy()

    peer = importlib.import_module(f"{args.framework}_peer")
    peer.setup(args.threads)
    steps = {}
    for name, w in manifest["workloads"].items():
        arrays = {k: array(v) for k, v in w["arrays"].items()}
        step = peer.WORKLOADS[name](arrays)
        grads = step()
        if len(grads) != len(w["gradients"]):
            raise SystemExit(f"{args.framework} {name}: {len(grads)} gradients, expected {len(w['gradients'])}")
        out = os.path.join(args.dir, f"{args.framework}-{name}.bin")
        with open(out, "wb") as f:
            for g in grads:
                f.write(np.ascontiguousarray(g, dtype=np.float32).tobytes())
        steps[name] = step
    print(json.dumps({"ready": True, "version": peer.version()}), flush=True)

    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "quit":
            break
        step = steps[cmd["workload"]]
        budget = cmd["ms"] / 1000
        for _ in range(cmd.get("warmup", 2)):
            step()
        samples = []
        start = time.perf_counter()
        while True:
            t0 = time.perf_counter()
            step()
            t1 = time.perf_counter()
            samples.append((t1 - t0) * 1000)
            if t1 - start >= budget and len(samples) >= cmd.get("min", 3):
                break
        print(json.dumps({"samples": samples}), flush=True)


if __name__ == "__main__":
    main()
