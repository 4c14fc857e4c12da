"""The benchmark's workloads in PyTorch eager: parameters as leaf tensors with
requires_grad, inputs from NumPy on every call, backward(), gradients back as NumPy
arrays (see peer.py)."""


def setup(threads):
    import torch

    torch.set_num_threads(threads)


def version():
    import torch

    return f"PyTorch {torch.__version__} (eager, CPU, {torch.get_num_threads()} threads)"


def _params(a, names):
    import torch

    return [torch.tensor(a[n], requires_grad=True) for n in names]


def _step(params, run):
    def step():
        for p in params:
            p.grad = None
        inputs = run()
        return [t.grad.numpy() for t in [*inputs, *params]]

    return step


def small(a):
    import torch

    w1, b1, w2, b2 = _params(a, ["1.Weights", "1.Biases", "3.Weights", "3.Biases"])
    x = a["Input"]

    def run():
        v = torch.from_numpy(x).requires_grad_(True)
        (w2 @ torch.tanh(w1 @ v + b1) + b2).sum().backward()
        return [v]

    step = _step([], run)
    return step


def mlp(a):
    import torch
    import torch.nn.functional as F

    params = _params(a, [f"{i}.{k}" for i in (1, 3, 5) for k in ("Weights", "Biases")])
    w1, b1, w2, b2, w3, b3 = params
    x, t = a["Input"], (a["Target"] - 1).astype("int64")

    def run():
        v = torch.from_numpy(x).requires_grad_(True)
        h = F.relu(F.linear(v, w1, b1))
        h = F.relu(F.linear(h, w2, b2))
        F.cross_entropy(F.linear(h, w3, b3), torch.from_numpy(t), reduction="sum").backward()
        return [v]

    return _step(params, run)


def cnn(a):
    import torch
    import torch.nn.functional as F

    params = _params(a, [f"{i}.{k}" for i in (1, 4, 7) for k in ("Weights", "Biases")])
    k1, c1, k2, c2, w, b = params
    x = a["Input"]

    def run():
        v = torch.from_numpy(x).requires_grad_(True)
        h = F.max_pool2d(F.relu(F.conv2d(v, k1, c1)), 2, 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, k2, c2)), 2, 2)
        F.linear(h.flatten(1), w, b).sum().backward()
        return [v]

    return _step(params, run)


WORKLOADS = {"small": small, "mlp": mlp, "cnn": cnn}
