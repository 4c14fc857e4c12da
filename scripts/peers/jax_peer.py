"""The benchmark's workloads in JAX: jax.jit of jax.grad, weights resident as jax arrays,
inputs from NumPy on every call, gradients back as NumPy arrays (see peer.py)."""


def setup(threads):
    # XLA's CPU client runs one thread per core (both, here): nothing to set.
    import jax

    jax.config.update("jax_platforms", "cpu")


def version():
    import jax

    return f"JAX {jax.__version__} (jit, CPU)"


def _fetch(grads):
    import numpy as np

    return [np.asarray(g) for g in grads]


def small(a):
    """Linear 8 -> 16, Tanh, Linear -> 4 on one example; the gradient of the sum of the outputs w.r.t. the input."""
    import jax
    import jax.numpy as jnp

    w1, b1, w2, b2 = (jnp.asarray(a[k]) for k in ("1.Weights", "1.Biases", "3.Weights", "3.Biases"))

    def f(x):
        return jnp.sum(w2 @ jnp.tanh(w1 @ x + b1) + b2)

    g = jax.jit(jax.grad(f))
    x = a["Input"]
    return lambda: _fetch([g(jnp.asarray(x))])


def mlp(a):
    """Linear 784-256-Ramp-256-Ramp-10, softmax cross-entropy (Index targets) summed over the batch."""
    import jax
    import jax.numpy as jnp

    params = [jnp.asarray(a[f"{i}.{k}"]) for i in (1, 3, 5) for k in ("Weights", "Biases")]

    def loss(params, x, t):
        w1, b1, w2, b2, w3, b3 = params
        h = jax.nn.relu(x @ w1.T + b1)
        h = jax.nn.relu(h @ w2.T + b2)
        logp = jax.nn.log_softmax(h @ w3.T + b3)
        return -jnp.sum(jnp.take_along_axis(logp, t[:, None], axis=1))

    g = jax.jit(jax.grad(loss, argnums=(1, 0)))
    x, t = a["Input"], a["Target"] - 1

    def step():
        gx, gp = g(params, jnp.asarray(x), jnp.asarray(t))
        return _fetch([gx, *gp])

    return step


def cnn(a):
    """Conv 16 3x3, Ramp, MaxPool 2/2, Conv 32 3x3, Ramp, MaxPool 2/2, Linear 10; NCHW as given; the sum of the outputs."""
    import jax
    import jax.numpy as jnp
    from jax import lax

    params = [jnp.asarray(a[f"{i}.{k}"]) for i in (1, 4, 7) for k in ("Weights", "Biases")]
    dn = ("NCHW", "OIHW", "NCHW")

    def pool(h):
        return lax.reduce_window(h, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def f(params, x):
        k1, c1, k2, c2, w, b = params
        h = pool(jax.nn.relu(lax.conv_general_dilated(x, k1, (1, 1), "VALID", dimension_numbers=dn) + c1[:, None, None]))
        h = pool(jax.nn.relu(lax.conv_general_dilated(h, k2, (1, 1), "VALID", dimension_numbers=dn) + c2[:, None, None]))
        return jnp.sum(h.reshape(h.shape[0], -1) @ w.T + b)

    g = jax.jit(jax.grad(f, argnums=(1, 0)))
    x = a["Input"]

    def step():
        gx, gp = g(params, jnp.asarray(x))
        return _fetch([gx, *gp])

    return step


WORKLOADS = {"small": small, "mlp": mlp, "cnn": cnn}
