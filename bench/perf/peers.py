#!/usr/bin/env python3
"""Peer implementations of TrainBench's heads: PyTorch (eager) and Keras 3 on JAX (jitted step).

One configuration per process, so the peak memory is that run's:

    python bench/perf/peers.py --framework torch|keras --head concat --n 128 --steps 300 [--warmup 20]

prints one JSON line {"impl", "head", "n", "steps", "seconds", "pairs_per_s", "peak_mib", "loss", ...}.

The functions, sizes, initialisation and optimiser are those of Sources/Models and
Sources/TrainBench (see bench/perf/README.md):

- batch m = 256 pairs of N(0, 1) vectors, labels a·b > 0, 8 pre-generated batches used in turn;
- every weight and bias U(±1/√fan_in) with the Swift models' fan-ins (torch_linear initializer);
- Adam (lr 1e-3, β 0.9/0.999, ε 1e-8), mean BCE with logits; one step = forward, loss,
  backward, update.
- concat: MLP [2n → 256 → 1] on [a; b] (ReLU);
- mirror: pa = a·[W V], pb = b·[W V] (n × 512, fan-in 2n), h₁ = relu(aW + bV + c),
  h₂ = relu(aV + bW + c), sum, head [256 → 256 → 1];
- sharedq: f = x·Q (n × 256, no bias, fan-in n), e^θ·cos(f(a), f(b)) + β with e^θ = 5 at start;
- pooling: MLP [3n → 256 → 1] on [a+b, a⊙b, |a−b|];
- outer: 32 units h_k = ⟨W_k, (a⊗b + b⊗a)/2⟩ computed *materialised* (m × n² features times an
  n² × 32 weight, fan-in n²), + c, relu, head [32 → 256 → 1];
- outer_r8: rank 8, pa = a·[U V], pb = b·[U V] (n × 512, fan-in round(√8·n)),
  h_k = ½ Σ_j (pa_U·pb_V + pa_V·pb_U), + c (fan-in n²), relu, head [32 → 256 → 1].

Threads: the driver sets OMP/MKL/OpenBLAS thread counts to 1 and XLA_FLAGS; here torch gets
set_num_threads(1) and set_num_interop_threads(1).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np

HIDDEN = 256


def peak_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def make_data(n: int, batch: int, count: int = 8, seed: int = 17):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((count, batch, n), dtype=np.float32)
    b = rng.standard_normal((count, batch, n), dtype=np.float32)
    y = ((a * b).sum(-1, keepdims=True) > 0).astype(np.float32)
    return a, b, y


def fans(head: str, n: int, width: int, rank: int) -> dict:
    """Fan-ins of the first layer's weight and bias, as the Swift models initialise them."""
    if head == "concat":
        return {"w": 2 * n, "b": 2 * n}
    if head == "mirror":
        return {"w": 2 * n, "b": 2 * n}
    if head == "sharedq":
        return {"w": n}
    if head == "pooling":
        return {"w": 3 * n, "b": 3 * n}
    if head == "outer":
        return {"w": n * n, "b": n * n}
    if head == "outer_r8":
        return {"w": max(1, round(math.sqrt(rank) * n)), "b": n * n}
    raise ValueError(head)


# MARK: - PyTorch


def run_torch(args) -> dict:
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    n, m, head = args.n, args.batch, args.head
    width = 32 if head.startswith("outer") else HIDDEN
    rank = 8
    fan = fans(head, n, width, rank)

    def uniform(shape, fan_in):
        lim = 1.0 / math.sqrt(fan_in)
        return torch.nn.Parameter(torch.empty(*shape).uniform_(-lim, lim))

    class Head(torch.nn.Module):
        def __init__(self, inputs):
            super().__init__()
            self.l1 = torch.nn.Linear(inputs, HIDDEN)
            self.l2 = torch.nn.Linear(HIDDEN, 1)

        def forward(self, x):
            return self.l2(F.relu(self.l1(x)))

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            if head == "concat":
                self.mlp = Head(2 * n)
            elif head == "pooling":
                self.mlp = Head(3 * n)
            elif head == "mirror":
                self.wv = uniform((n, 2 * width), fan["w"])
                self.c = uniform((width,), fan["b"])
                self.mlp = Head(width)
            elif head == "sharedq":
                self.q = uniform((n, width), fan["w"])
                self.log_scale = torch.nn.Parameter(torch.tensor(math.log(5.0)))
                self.bias = torch.nn.Parameter(torch.tensor(0.0))
            elif head == "outer":
                self.w = uniform((n * n, width), fan["w"])
                self.c = uniform((width,), fan["b"])
                self.mlp = Head(width)
            elif head == "outer_r8":
                self.uv = uniform((n, 2 * width * rank), fan["w"])
                self.c = uniform((width,), fan["b"])
                self.mlp = Head(width)

        def forward(self, a, b):
            if head == "concat":
                return self.mlp(torch.cat([a, b], 1))
            if head == "pooling":
                return self.mlp(torch.cat([a + b, a * b, (a - b).abs()], 1))
            if head == "mirror":
                pa, pb = a @ self.wv, b @ self.wv
                h1 = F.relu(pa[:, :width] + pb[:, width:] + self.c)
                h2 = F.relu(pa[:, width:] + pb[:, :width] + self.c)
                return self.mlp(h1 + h2)
            if head == "sharedq":
                fa, fb = a @ self.q, b @ self.q
                denom = torch.clamp(fa.norm(dim=1) * fb.norm(dim=1), min=1e-8)
                cos = (fa * fb).sum(1) / denom
                return (torch.exp(self.log_scale) * cos + self.bias).unsqueeze(1)
            if head == "outer":
                f = 0.5 * (torch.einsum("bi,bj->bij", a, b) + torch.einsum("bi,bj->bij", b, a))
                h = f.reshape(a.shape[0], n * n) @ self.w + self.c
                return self.mlp(F.relu(h))
            if head == "outer_r8":
                hr = width * rank
                pa, pb = a @ self.uv, b @ self.uv
                t = pa[:, :hr] * pb[:, hr:] + pa[:, hr:] * pb[:, :hr]
                h = 0.5 * t.reshape(-1, width, rank).sum(-1) + self.c
                return self.mlp(F.relu(h))
            raise ValueError(head)

    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    a_np, b_np, y_np = make_data(n, m)
    A, B, Y = torch.from_numpy(a_np), torch.from_numpy(b_np), torch.from_numpy(y_np)
    count = A.shape[0]
    state = {"k": 0, "loss": float("nan")}

    def step():
        k = state["k"] % count
        state["k"] += 1
        opt.zero_grad(set_to_none=True)
        loss = F.binary_cross_entropy_with_logits(model(A[k], B[k]), Y[k])
        loss.backward()
        opt.step()
        return loss

    for _ in range(args.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "loss": float(loss.detach()),
            "params": sum(p.numel() for p in model.parameters()), "version": torch.__version__}


# MARK: - Keras 3 on JAX


def run_keras(args) -> dict:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import jax
    import keras
    from keras import ops

    keras.utils.set_random_seed(0)
    n, m, head = args.n, args.batch, args.head
    width = 32 if head.startswith("outer") else HIDDEN
    rank = 8
    fan = fans(head, n, width, rank)

    def init(fan_in):
        lim = 1.0 / math.sqrt(fan_in)
        return keras.initializers.RandomUniform(-lim, lim)

    def dense(units, fan_in, activation=None):
        return keras.layers.Dense(units, activation=activation, kernel_initializer=init(fan_in),
                                  bias_initializer=init(fan_in))

    class Pair(keras.layers.Layer):
        """The head-specific first stage: maps (a, b) to the features the MLP head sees."""

        def build(self, input_shape):
            if head == "mirror":
                self.wv = self.add_weight(shape=(n, 2 * width), initializer=init(fan["w"]))
                self.c = self.add_weight(shape=(width,), initializer=init(fan["b"]))
            elif head == "sharedq":
                self.q = self.add_weight(shape=(n, width), initializer=init(fan["w"]))
                self.log_scale = self.add_weight(shape=(), initializer=keras.initializers.Constant(math.log(5.0)))
                self.bias = self.add_weight(shape=(), initializer="zeros")
            elif head == "outer":
                self.w = self.add_weight(shape=(n * n, width), initializer=init(fan["w"]))
                self.c = self.add_weight(shape=(width,), initializer=init(fan["b"]))
            elif head == "outer_r8":
                self.uv = self.add_weight(shape=(n, 2 * width * rank), initializer=init(fan["w"]))
                self.c = self.add_weight(shape=(width,), initializer=init(fan["b"]))

        def call(self, inputs):
            a, b = inputs
            if head == "concat":
                return ops.concatenate([a, b], axis=1)
            if head == "pooling":
                return ops.concatenate([a + b, a * b, ops.abs(a - b)], axis=1)
            if head == "mirror":
                pa, pb = ops.matmul(a, self.wv), ops.matmul(b, self.wv)
                h1 = ops.relu(pa[:, :width] + pb[:, width:] + self.c)
                h2 = ops.relu(pa[:, width:] + pb[:, :width] + self.c)
                return h1 + h2
            if head == "sharedq":
                fa, fb = ops.matmul(a, self.q), ops.matmul(b, self.q)
                denom = ops.maximum(ops.norm(fa, axis=1) * ops.norm(fb, axis=1), 1e-8)
                cos = ops.sum(fa * fb, axis=1) / denom
                return ops.expand_dims(ops.exp(self.log_scale) * cos + self.bias, 1)
            if head == "outer":
                f = 0.5 * (ops.einsum("bi,bj->bij", a, b) + ops.einsum("bi,bj->bij", b, a))
                return ops.relu(ops.matmul(ops.reshape(f, (-1, n * n)), self.w) + self.c)
            if head == "outer_r8":
                hr = width * rank
                pa, pb = ops.matmul(a, self.uv), ops.matmul(b, self.uv)
                t = pa[:, :hr] * pb[:, hr:] + pa[:, hr:] * pb[:, :hr]
                return ops.relu(0.5 * ops.sum(ops.reshape(t, (-1, width, rank)), axis=-1) + self.c)
            raise ValueError(head)

    ia, ib = keras.Input((n,)), keras.Input((n,))
    x = Pair()([ia, ib])
    if head != "sharedq":
        feat = {"concat": 2 * n, "pooling": 3 * n}.get(head, width)
        x = dense(HIDDEN, feat, "relu")(x)
        x = dense(1, HIDDEN)(x)
    model = keras.Model([ia, ib], x)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    optimizer.build(model.trainable_variables)
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def compute_loss(trainable, non_trainable, a, b, y):
        logits, non_trainable = model.stateless_call(trainable, non_trainable, [a, b], training=True)
        return loss_fn(y, logits), non_trainable

    grad_fn = jax.value_and_grad(compute_loss, has_aux=True)

    def train_step(state, a, b, y):
        trainable, non_trainable, opt_vars = state
        (loss, non_trainable), grads = grad_fn(trainable, non_trainable, a, b, y)
        trainable, opt_vars = optimizer.stateless_apply(opt_vars, grads, trainable)
        return loss, (trainable, non_trainable, opt_vars)

    train_step = jax.jit(train_step, donate_argnums=(0,))
    a_np, b_np, y_np = make_data(n, m)
    A, B, Y = jax.device_put(a_np), jax.device_put(b_np), jax.device_put(y_np)
    batches = [(A[k], B[k], Y[k]) for k in range(A.shape[0])]
    state = ([v.value for v in model.trainable_variables],
             [v.value for v in model.non_trainable_variables],
             [v.value for v in optimizer.variables])
    loss = None
    for i in range(args.warmup):
        loss, state = train_step(state, *batches[i % len(batches)])
    jax.block_until_ready(loss)
    t0 = time.perf_counter()
    for i in range(args.steps):
        loss, state = train_step(state, *batches[i % len(batches)])
    jax.block_until_ready(state)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "loss": float(loss),
            "params": int(sum(np.prod(v.shape) for v in model.trainable_variables)),
            "version": f"keras {keras.__version__}, jax {jax.__version__}"}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--framework", choices=["torch", "keras"], required=True)
    p.add_argument("--head", choices=["concat", "mirror", "sharedq", "pooling", "outer", "outer_r8"], required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--batch", type=int, default=256)
    args = p.parse_args()
    result = run_torch(args) if args.framework == "torch" else run_keras(args)
    out = {"impl": args.framework, "head": args.head, "n": args.n, "batch": args.batch, "steps": args.steps,
           "seconds": round(result["seconds"], 4),
           "pairs_per_s": round(args.steps * args.batch / result["seconds"], 1),
           "peak_mib": round(peak_mib(), 1), "loss": result["loss"], "params": result["params"],
           "version": result["version"]}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
