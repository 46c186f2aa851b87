#!/usr/bin/env python3
"""PyTorch reference for the Swift harness on the shipped real dataset `digits`.

Trains every model configuration of the sweep file (default `experiments/sweep.json`; its
model entries are expanded over their grid values, datasets other than `digits` are ignored)
with the same hyperparameters, initialisation distributions and seeds as the Swift harness,
then prints a markdown table comparing the mean test ROC AUC over the seeds with the Swift
results read from the sweep's SQLite database.

Usage (from the repository root; `bench/run_reference.sh` does the venv for you):

    /tmp/venv-torch/bin/python bench/reference_digits.py [--sweep experiments/sweep.json]
        [--db results/sweep.sqlite] [--jobs 2] [--seeds 0 1 2] [--only outer] [--csv runs.csv]

What is reproduced (each point mirrors a Swift source file; see bench/README.md):

- Models (Sources/Models): dot, cosine, concat (none/swap/average), outer (full rank with
  fan-in n², low rank with fan-in round(√r·n)), mirror ([W V] with fan-in 2n), sharedq
  (linear Q or tower + Q; dot/cosine/distance), pooling ([a+b, a⊙b, |a−b|]).
  Weights and biases are U(±1/√fanIn) (the `torch_linear` initializer, PyTorch's nn.Linear
  default); the outer bias uses fan-in n² at every rank and the mirror bias fan-in 2n, as
  OuterModel.swift and MirrorModel.swift do. Score scales are e^θ with e^θ = 5 for cosine
  scores and 1 otherwise, biases 0.
- Training (Sources/ExperimentsKit/Runner/Trainer.swift): Adam (β 0.9/0.999, ε 1e-8, no
  weight decay), BCE with logits (mean over the batch), mini-batches over the epoch's entry
  list (train pairs; + reversed copies for concat/swap or augmentation.swap; + round(r·|train|)
  pairs (x, x, 1) with x uniform over the items of the training pairs), shuffled every epoch;
  after every epoch the validation ROC AUC (strict improvement) drives early stopping with
  the configured patience; the best epoch's weights are restored; test ROC AUC on s(i, j).
- Seeds: torch.manual_seed(seed) for the weights; the shuffle and reflexive draws use numpy
  generators seeded by (seed, stream). The Swift PRNG (xoshiro256**) is not reproduced bit
  for bit, so single runs differ; the comparison is of means over seeds.
"""
from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import multiprocessing as mp
import os
import sqlite3
import statistics
import sys
import time

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 0.01

# MARK: - Sweep expansion (mirrors SweepConfig.expandModel and ModelSpec defaults)

MODEL_KEYS = {
    "dot": [], "cosine": [],
    "concat": ["hidden", "activation", "initializer", "symmetrize"],
    "outer": ["hidden", "activation", "initializer", "width", "rank"],
    "mirror": ["hidden", "activation", "initializer", "width", "merge"],
    "sharedq": ["activation", "initializer", "width", "tower", "score"],
    "pooling": ["hidden", "activation", "initializer", "features"],
}
MODEL_DEFAULTS = {
    "hidden": [64], "activation": "relu", "initializer": "torch_linear", "symmetrize": "none",
    "width": 32, "rank": 0, "merge": "sum", "tower": [], "score": "cosine",
    "features": ["sum", "product", "absdiff"],
}
LIST_VALUED = {"hidden", "tower", "features"}  # a flat list is one value; a list of lists is a grid
TRAINING_DEFAULTS = {
    "epochs": 20, "batch_size": 256, "learning_rate": 1e-3, "optimizer": "adam", "weight_decay": 0.0,
    "momentum": 0.9, "patience": 5, "loss": "bce", "margin": 1.0,
}
AUGMENTATION_DEFAULTS = {"swap": False, "reflexive": 0.0}


def alternatives(key, value):
    """The grid values of one field."""
    if isinstance(value, dict):
        raise SystemExit(f"reference_digits: random-search distributions are not supported ({key}: {value})")
    if key in LIST_VALUED:
        if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
            return list(value)
        return [value]
    return list(value) if isinstance(value, list) else [value]


def expand_models(sweep):
    """Every concrete (model, training, augmentation) configuration of the sweep's model entries."""
    top_training = sweep.get("training", {})
    top_augmentation = sweep.get("augmentation", {})
    configs = []
    for entry in sweep["models"]:
        arch = entry["architecture"]
        keys = MODEL_KEYS[arch]
        fields = []
        for k in sorted(keys):
            if k in entry:
                fields.append(("model", k, alternatives(k, entry[k])))
        local_t, local_a = entry.get("training", {}), entry.get("augmentation", {})
        for k in sorted(TRAINING_DEFAULTS):
            src = local_t if k in local_t else top_training
            if k in src:
                fields.append(("training", k, alternatives(k, src[k])))
        for k in sorted(AUGMENTATION_DEFAULTS):
            src = local_a if k in local_a else top_augmentation
            if k in src:
                fields.append(("augmentation", k, alternatives(k, src[k])))
        for combo in itertools.product(*[f[2] for f in fields]):
            model = {"architecture": arch, **{k: MODEL_DEFAULTS[k] for k in keys}}
            training, augmentation = dict(TRAINING_DEFAULTS), dict(AUGMENTATION_DEFAULTS)
            for (section, k, _), v in zip(fields, combo):
                {"model": model, "training": training, "augmentation": augmentation}[section][k] = v
            configs.append({"model": model, "training": training, "augmentation": augmentation})
    return configs


def label(cfg):
    """A short human-readable name of a configuration."""
    m, a = cfg["model"], cfg["augmentation"]
    arch = m["architecture"]
    parts = [arch]
    if arch == "concat":
        parts.append(f"symmetrize={m['symmetrize']}")
    elif arch == "outer":
        parts.append(f"width={m['width']} rank={m['rank']}")
    elif arch == "mirror":
        parts.append(f"width={m['width']} merge={m['merge']}")
    elif arch == "sharedq":
        parts.append(f"width={m['width']} score={m['score']}" + (f" tower={m['tower']}" if m["tower"] else ""))
    elif arch == "pooling":
        parts.append("+".join(m["features"]))
    if arch in ("concat", "outer", "mirror", "pooling"):
        parts.append(f"hidden={m['hidden']}")
    if a["swap"]:
        parts.append("aug.swap")
    if a["reflexive"]:
        parts.append(f"aug.reflexive={a['reflexive']:g}")
    return " ".join(parts)


# MARK: - Models (mirror Sources/Models)

def uniform(shape, fan_in):
    """`torch_linear`: U(−1/√fanIn, 1/√fanIn)."""
    bound = 1.0 / math.sqrt(max(1, fan_in))
    return torch.nn.Parameter(torch.empty(*shape).uniform_(-bound, bound))


def activation_fn(name):
    return torch.relu if name == "relu" else torch.tanh


class Dense(torch.nn.Module):
    """x·W + b with W inputs×outputs (Dense.swift)."""

    def __init__(self, inputs, outputs, bias=True):
        super().__init__()
        self.weight = uniform((inputs, outputs), inputs)
        self.bias = uniform((outputs,), inputs) if bias else None

    def forward(self, x):
        y = x @ self.weight
        return y + self.bias if self.bias is not None else y


class MLP(torch.nn.Module):
    """Hidden layers with an activation after each, then a linear layer to `outputs` (or, with
    outputs None, the activation after the last hidden layer) (Dense.swift, MLP)."""

    def __init__(self, inputs, hidden, outputs, activation):
        super().__init__()
        layers, width = [], inputs
        for h in hidden:
            layers.append(Dense(width, h))
            width = h
        if outputs is not None:
            layers.append(Dense(width, outputs))
        self.layers = torch.nn.ModuleList(layers)
        self.activate_last = outputs is None
        self.act = activation_fn(activation)

    def forward(self, x):
        n = len(self.layers)
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < n - 1 or self.activate_last:
                x = self.act(x)
        return x


class ScoreScale(torch.nn.Module):
    """e^θ·sim + c, θ = log(initial scale), c = 0."""

    def __init__(self, initial_scale):
        super().__init__()
        self.log_scale = torch.nn.Parameter(torch.tensor([math.log(initial_scale)]))
        self.bias = torch.nn.Parameter(torch.zeros(1))

    def forward(self, sim):
        return sim * torch.exp(self.log_scale) + self.bias


def row_cosine(a, b):
    """a·b / max(‖a‖‖b‖, 1e-8) (Tape.rowCosine)."""
    return (a * b).sum(-1) / torch.clamp(a.norm(dim=-1) * b.norm(dim=-1), min=1e-8)


class RawSimilarity(torch.nn.Module):
    def __init__(self, spec, n):
        super().__init__()
        self.cosine = spec["architecture"] == "cosine"
        self.head = ScoreScale(5.0 if self.cosine else 1.0)

    def forward(self, a, b):
        return self.head(row_cosine(a, b) if self.cosine else (a * b).sum(-1))


class Concat(torch.nn.Module):
    def __init__(self, spec, n):
        super().__init__()
        self.average = spec["symmetrize"] == "average"
        self.mlp = MLP(2 * n, spec["hidden"], 1, spec["activation"])

    def forward(self, a, b):
        ab = self.mlp(torch.cat([a, b], 1)).squeeze(-1)
        if not self.average:
            return ab
        return (ab + self.mlp(torch.cat([b, a], 1)).squeeze(-1)) * 0.5


class Outer(torch.nn.Module):
    """h_k = aᵀ S_k b, S_k = (W_k + W_kᵀ)/2; relu(h + c); MLP head (OuterModel.swift)."""

    def __init__(self, spec, n):
        super().__init__()
        self.n, self.h, self.r = n, spec["width"], spec["rank"]
        if self.r == 0:
            # Full rank: W is n × (width·n), block k in columns k·n ..< (k+1)·n; fan-in n².
            self.w = uniform((n, self.h * n), n * n)
        else:
            # Low rank: [U V], n × (2·width·r); fan-in round(√r·n).
            fan = max(1, round(math.sqrt(self.r) * n))
            self.w = uniform((n, 2 * self.h * self.r), fan)
        self.c = uniform((self.h,), n * n)  # fan-in n² at every rank, as in OuterModel.swift
        self.act = activation_fn(spec["activation"])
        self.head = MLP(self.h, spec["hidden"], 1, spec["activation"])

    def bilinear(self, a, b):
        n, h, r = self.n, self.h, self.r
        if r == 0:
            wk = self.w.view(n, h, n).permute(1, 0, 2)          # W_k[i, j] = w[i, k·n + j]
            s = (wk + wk.transpose(1, 2)) * 0.5                  # h × n × n
            left = a @ s.permute(1, 0, 2).reshape(n, h * n)      # m × (h·n): block k = a·S_k
            return (left.view(-1, h, n) * b.unsqueeze(1)).sum(-1)
        hr = h * r
        pa, pb = a @ self.w, b @ self.w
        t = pa[:, :hr] * pb[:, hr:] + pa[:, hr:] * pb[:, :hr]
        return t.view(-1, h, r).sum(-1) * 0.5

    def forward(self, a, b):
        return self.head(self.act(self.bilinear(a, b) + self.c)).squeeze(-1)


class Mirror(torch.nn.Module):
    """h1 = φ(aW + bV + c), h2 = φ(aV + bW + c), merge, MLP head (MirrorModel.swift)."""

    def __init__(self, spec, n):
        super().__init__()
        self.w = spec["width"]
        self.wv = uniform((n, 2 * self.w), 2 * n)
        self.c = uniform((self.w,), 2 * n)
        self.merge = spec["merge"]
        self.act = activation_fn(spec["activation"])
        self.head = MLP(self.w, spec["hidden"], 1, spec["activation"])

    def forward(self, a, b):
        w = self.w
        pa, pb = a @ self.wv, b @ self.wv
        h1 = self.act(pa[:, :w] + pb[:, w:] + self.c)
        h2 = self.act(pa[:, w:] + pb[:, :w] + self.c)
        if self.merge == "sum":
            merged = h1 + h2
        elif self.merge == "mean":
            merged = (h1 + h2) * 0.5
        else:
            merged = torch.maximum(h1, h2)
        return self.head(merged).squeeze(-1)


class SharedQ(torch.nn.Module):
    """f = Q ∘ tower; score dot / cosine / −‖f(a) − f(b)‖²; e^θ·score + c (SharedQModel.swift)."""

    def __init__(self, spec, n):
        super().__init__()
        self.tower = MLP(n, spec["tower"], None, spec["activation"]) if spec["tower"] else None
        self.q = Dense(spec["tower"][-1] if spec["tower"] else n, spec["width"], bias=False)
        self.score = spec["score"]
        self.head = ScoreScale(5.0 if self.score == "cosine" else 1.0)

    def embed(self, x):
        return self.q(self.tower(x) if self.tower is not None else x)

    def forward(self, a, b):
        fa, fb = self.embed(a), self.embed(b)
        if self.score == "dot":
            sim = (fa * fb).sum(-1)
        elif self.score == "cosine":
            sim = row_cosine(fa, fb)
        else:
            sim = -((fa - fb) ** 2).sum(-1)
        return self.head(sim)


class Pooling(torch.nn.Module):
    def __init__(self, spec, n):
        super().__init__()
        self.features = spec["features"]
        self.mlp = MLP(len(self.features) * n, spec["hidden"], 1, spec["activation"])

    def forward(self, a, b):
        parts = {"sum": lambda: a + b, "product": lambda: a * b, "absdiff": lambda: (a - b).abs()}
        return self.mlp(torch.cat([parts[f]() for f in self.features], 1)).squeeze(-1)


MODELS = {"dot": RawSimilarity, "cosine": RawSimilarity, "concat": Concat, "outer": Outer,
          "mirror": Mirror, "sharedq": SharedQ, "pooling": Pooling}


# MARK: - Training (mirrors Trainer.swift)

def load_pairs(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    i = np.array([int(r["i"]) for r in rows], dtype=np.int64)
    j = np.array([int(r["j"]) for r in rows], dtype=np.int64)
    y = np.array([float(r["label"]) for r in rows], dtype=np.float32)
    return i, j, y


def load_digits(sweep, sweep_dir):
    spec = next((d for d in sweep["datasets"] if d.get("name") == "digits"), None)
    if spec is None:
        raise SystemExit("reference_digits: the sweep has no dataset named \"digits\"")
    path = lambda p: p if os.path.isabs(p) else os.path.normpath(os.path.join(sweep_dir, p))
    emb = np.load(path(spec["embeddings"])).astype(np.float32)
    return {"embeddings": emb, "spec": spec,
            **{split: load_pairs(path(spec[split])) for split in ("train", "val", "test")}}


@torch.no_grad()
def logits(model, emb, i, j, batch=1024):
    out = []
    for s in range(0, len(i), batch):
        out.append(model(emb[i[s:s + batch]], emb[j[s:s + batch]]))
    return torch.cat(out).numpy()


def auc(scores, labels):
    if len(set(labels.tolist())) < 2:
        return None
    return float(roc_auc_score(labels, scores))


def train_one(cfg, seed, data):
    """One run; returns test AUC and bookkeeping."""
    torch.set_num_threads(1)
    t, aug, spec = cfg["training"], cfg["augmentation"], cfg["model"]
    if t["optimizer"] != "adam" or t["loss"] != "bce":
        raise SystemExit(f"reference_digits: only adam + bce are implemented, got {t['optimizer']} + {t['loss']}")
    emb = torch.from_numpy(data["embeddings"])
    n = emb.shape[1]
    tr_i, tr_j, tr_y = data["train"]
    va_i, va_j, va_y = data["val"]
    te_i, te_j, te_y = data["test"]

    torch.manual_seed(seed)
    model = MODELS[spec["architecture"]](spec, n)
    optimizer = torch.optim.AdamW(model.parameters(), lr=t["learning_rate"], betas=(0.9, 0.999),
                                  eps=1e-8, weight_decay=t["weight_decay"])
    loss_fn = torch.nn.BCEWithLogitsLoss()
    shuffle_rng = np.random.default_rng([seed, 2])
    reflexive_rng = np.random.default_rng([seed, 3])

    both_orders = aug["swap"] or (spec["architecture"] == "concat" and spec["symmetrize"] == "swap")
    train_items = np.unique(np.concatenate([tr_i, tr_j]))
    reflexive_count = int(math.floor(aug["reflexive"] * len(tr_i) + 0.5))  # Swift .rounded(): half away from zero
    if both_orders:  # interleave (i, j), (j, i) as the Swift trainer appends them
        base_i = np.stack([tr_i, tr_j], 1).reshape(-1)
        base_j = np.stack([tr_j, tr_i], 1).reshape(-1)
        base_y = np.repeat(tr_y, 2)
    else:
        base_i, base_j, base_y = tr_i, tr_j, tr_y

    best_score, best_epoch, best_state, since_best, epochs_run = None, 0, None, 0, 0
    for epoch in range(1, t["epochs"] + 1):
        ei, ej, ey = base_i, base_j, base_y
        if reflexive_count > 0 and len(train_items):
            x = train_items[reflexive_rng.integers(0, len(train_items), reflexive_count)]
            ei, ej = np.concatenate([ei, x]), np.concatenate([ej, x])
            ey = np.concatenate([ey, np.ones(reflexive_count, dtype=np.float32)])
        perm = shuffle_rng.permutation(len(ei))
        ei, ej, ey = torch.from_numpy(ei[perm]), torch.from_numpy(ej[perm]), torch.from_numpy(ey[perm])
        model.train()
        for s in range(0, len(ei), t["batch_size"]):
            a, b, y = emb[ei[s:s + t["batch_size"]]], emb[ej[s:s + t["batch_size"]]], ey[s:s + t["batch_size"]]
            loss = loss_fn(model(a, b), y)
            if not torch.isfinite(loss):
                return {"state": "diverged", "test_auc": None, "epochs": epoch, "best_epoch": best_epoch}
            optimizer.zero_grad(set_to_none=False)
            loss.backward()
            optimizer.step()
        epochs_run = epoch
        model.eval()
        sv = logits(model, emb, va_i, va_j)
        val_auc = auc(sv, va_y)
        if val_auc is not None:
            criterion = val_auc
        else:  # single-class validation split: −log loss, as the Swift trainer
            criterion = -float(loss_fn(torch.from_numpy(sv), torch.from_numpy(va_y)))
        if best_score is None or criterion > best_score:
            best_score, best_epoch, since_best = criterion, epoch, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            since_best += 1
            if t["patience"] > 0 and since_best >= t["patience"]:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return {"state": "completed", "test_auc": auc(logits(model, emb, te_i, te_j), te_y),
            "val_auc": best_score, "epochs": epochs_run, "best_epoch": best_epoch}


_DATA = None


def _init_worker(data):
    global _DATA
    _DATA = data
    torch.set_num_threads(1)


def _job(args):
    index, cfg, seed = args
    start = time.time()
    result = train_one(cfg, seed, _DATA)
    result.update(index=index, seed=seed, seconds=time.time() - start)
    return result


# MARK: - Swift results (SQLite result store)

def swift_results(db_path, configs, dataset_name="digits"):
    """Per configuration index: {seed: (state, test auc or None)} of the Swift runs."""
    uri = "file:" + db_path + "?mode=ro"
    con = sqlite3.connect(uri, uri=True)
    try:
        rows = con.execute(
            """SELECT r.id, r.seed, r.state, r.config_json, m.value
               FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'test' AND m.name = 'auc'
               WHERE r.dataset = ?""", (dataset_name,)).fetchall()
    finally:
        con.close()
    compared_training = ("epochs", "batch_size", "learning_rate", "optimizer", "weight_decay", "patience", "loss")
    out = {k: {} for k in range(len(configs))}
    for run_id, seed, state, config_json, value in rows:
        c = json.loads(config_json)
        for k, cfg in enumerate(configs):
            if (c["model"] == cfg["model"]
                    and all(c["augmentation"].get(f) == cfg["augmentation"][f] for f in AUGMENTATION_DEFAULTS)
                    and all(c["training"].get(f) == cfg["training"][f] for f in compared_training)):
                semantics = c.get("semantics", 0)
                prev = out[k].get(seed)
                if prev is None or (semantics, run_id) > prev[2]:  # newest semantics, then newest row
                    out[k][seed] = (state, value, (semantics, run_id))
    return out


# MARK: - Main

def shown(path):
    """A path relative to the repository when it is inside it, else absolute."""
    rel = os.path.relpath(path, REPO)
    return path if rel.startswith("..") else rel


def fmt(x, digits=4):
    return "—" if x is None else f"{x:.{digits}f}"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sweep", default=os.path.join(REPO, "experiments", "sweep.json"))
    p.add_argument("--db", default=None, help="SQLite result store (default: the sweep's \"database\")")
    p.add_argument("--seeds", type=int, nargs="+", default=None, help="default: the sweep's seeds")
    p.add_argument("--jobs", type=int, default=2, help="parallel runs, one thread each (default 2)")
    p.add_argument("--only", default=None, help="only configurations whose label contains this text")
    p.add_argument("--csv", default=None, help="also write per-run results to this CSV file")
    args = p.parse_args()

    sweep_path = os.path.abspath(args.sweep)
    sweep_dir = os.path.dirname(sweep_path)
    with open(sweep_path) as f:
        sweep = json.load(f)
    db_path = args.db or os.path.normpath(os.path.join(sweep_dir, sweep.get("database", "results.sqlite")))
    seeds = args.seeds if args.seeds is not None else sweep.get("seeds", [0])
    configs = expand_models(sweep)
    if args.only:
        configs = [c for c in configs if args.only in label(c)]
    data = load_digits(sweep, sweep_dir)

    # Swift side first, so a missing database is reported before minutes of training.
    swift = None
    if not os.path.exists(db_path):
        print(f"reference_digits: no Swift results: {db_path} does not exist.\n"
              f"Run the sweep first, from {REPO}:\n"
              f"    swift run -c release Experiments {shown(sweep_path)}\n"
              f"(the PyTorch column below is still computed).", file=sys.stderr)
    else:
        swift = swift_results(db_path, configs)

    t0 = time.time()
    jobs = [(k, cfg, seed) for k, cfg in enumerate(configs) for seed in seeds]
    print(f"reference_digits: {len(configs)} configurations × {len(seeds)} seeds = {len(jobs)} runs, "
          f"{args.jobs} job(s), torch {torch.__version__}", file=sys.stderr)
    results = []
    if args.jobs > 1:
        with mp.get_context("spawn").Pool(args.jobs, initializer=_init_worker, initargs=(data,)) as pool:
            for r in pool.imap_unordered(_job, jobs):
                results.append(r)
                print(f"  [{len(results)}/{len(jobs)}] {label(configs[r['index']])} seed {r['seed']}: "
                      f"test AUC {fmt(r['test_auc'])} ({r['epochs']} epochs, best {r['best_epoch']}, "
                      f"{r['seconds']:.1f}s)", file=sys.stderr)
    else:
        _init_worker(data)
        for j in jobs:
            r = _job(j)
            results.append(r)
            print(f"  [{len(results)}/{len(jobs)}] {label(configs[r['index']])} seed {r['seed']}: "
                  f"test AUC {fmt(r['test_auc'])} ({r['epochs']} epochs, best {r['best_epoch']}, "
                  f"{r['seconds']:.1f}s)", file=sys.stderr)

    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["config", "seed", "state", "test_auc", "best_val_auc", "epochs", "best_epoch", "seconds",
                        "swift_state", "swift_test_auc"])
            for r in sorted(results, key=lambda r: (r["index"], r["seed"])):
                s = (swift or {}).get(r["index"], {}).get(r["seed"])
                w.writerow([label(configs[r["index"]]), r["seed"], r["state"], r["test_auc"], r.get("val_auc"),
                            r["epochs"], r["best_epoch"], f"{r['seconds']:.2f}",
                            s[0] if s else "", s[1] if s and s[1] is not None else ""])

    print(f"\n### digits: mean test ROC AUC over seeds {', '.join(map(str, seeds))} "
          f"(Swift harness vs PyTorch reference)\n")
    print("| configuration | PyTorch | PyTorch sd | Swift | Swift n | Swift − PyTorch | |")
    print("|---|---:|---:|---:|---:|---:|---|")
    flagged, incomplete = [], []
    for k, cfg in enumerate(configs):
        ours = [r["test_auc"] for r in results if r["index"] == k and r["test_auc"] is not None]
        ours_mean = statistics.fmean(ours) if ours else None
        ours_sd = statistics.stdev(ours) if len(ours) > 1 else None
        theirs = []
        if swift is not None:
            theirs = [swift[k][s][1] for s in seeds
                      if s in swift[k] and swift[k][s][0] == "completed" and swift[k][s][1] is not None]
        theirs_mean = statistics.fmean(theirs) if theirs else None
        diff = theirs_mean - ours_mean if theirs_mean is not None and ours_mean is not None else None
        flag = ""
        if diff is not None and diff < -TOLERANCE:
            flag = f"**below by > {TOLERANCE}**"
            flagged.append(label(cfg))
        if swift is not None and len(theirs) < len(seeds):
            states = [swift[k][s][0] if s in swift[k] else "missing" for s in seeds]
            flag = (flag + " " if flag else "") + f"Swift runs: {', '.join(states)}"
            incomplete.append(label(cfg))
        diff_text = "—" if diff is None else f"{diff:+.4f}"
        print(f"| {label(cfg)} | {fmt(ours_mean)} | {fmt(ours_sd)} | {fmt(theirs_mean)} | {len(theirs)} | "
              f"{diff_text} | {flag} |")
    print()
    if swift is None:
        print(f"No Swift results ({shown(db_path)} is missing): run `swift run -c release Experiments "
              f"{shown(sweep_path)}` from the repository root first.")
    else:
        print(f"Swift results from `{shown(db_path)}`; PyTorch {torch.__version__}, "
              f"{len(jobs)} runs in {time.time() - t0:.0f}s.")
        if flagged:
            print(f"Swift is more than {TOLERANCE} below PyTorch for: {'; '.join(flagged)}.")
        else:
            print(f"No configuration has Swift more than {TOLERANCE} below PyTorch.")
        if incomplete:
            print(f"Incomplete Swift results (run or finish the sweep): {'; '.join(incomplete)}.")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
