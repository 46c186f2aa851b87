#!/usr/bin/env python3
"""Make the shipped `digits` similarity dataset from scikit-learn's bundled digits.

Output (next to this script):
  digits.npy                                1797 x 64 float32, C order, pixel counts / 16 (range [0, 1])
  digits_train.csv / _val.csv / _test.csv   header i,j,label; label 1 iff the two images show the same digit

Items (images) are split 60/20/20 into train/val/test BY ITEM: every pair joins two items of
the same split, so no image is seen in two splits. Each split gets distinct unordered pairs of
two different items, exactly half labelled 1. Deterministic: seed 20240.

Usage (needs numpy and scikit-learn; keep the virtualenv outside the repository):
  python3 -m venv /tmp/venv-data && /tmp/venv-data/bin/pip install numpy scikit-learn
  /tmp/venv-data/bin/python experiments/data/make_digits.py
"""
import hashlib
import os

import numpy as np
from sklearn.datasets import load_digits

SEED = 20240
FRACTIONS = (0.6, 0.2, 0.2)
PAIRS = {"train": 4000, "val": 1500, "test": 1500}
HERE = os.path.dirname(os.path.abspath(__file__))


def sample_pairs(items, labels, count, rng):
    """`count` distinct unordered pairs of different items from `items`, half same-class."""
    need = {1: count // 2, 0: count - count // 2}
    seen, rows = set(), []
    by_class = {c: items[labels[items] == c] for c in np.unique(labels[items])}
    while need[0] or need[1]:
        a = int(rng.choice(items))
        if need[1] and (not need[0] or rng.random() < 0.5):
            b = int(rng.choice(by_class[labels[a]]))  # draw a same-class partner directly
        else:
            b = int(rng.choice(items))
        if a == b or (min(a, b), max(a, b)) in seen:
            continue
        y = int(labels[a] == labels[b])
        if need[y]:
            need[y] -= 1
            seen.add((min(a, b), max(a, b)))
            rows.append((a, b, y))
    order = rng.permutation(len(rows))
    return [rows[k] for k in order]


def main():
    digits = load_digits()
    x = (digits.data / 16.0).astype("<f4")
    y = digits.target.astype(np.int64)
    np.save(os.path.join(HERE, "digits.npy"), np.ascontiguousarray(x))

    rng = np.random.default_rng(SEED)
    perm = rng.permutation(len(x))
    n_train = round(FRACTIONS[0] * len(x))
    n_val = round(FRACTIONS[1] * len(x))
    parts = {
        "train": np.sort(perm[:n_train]),
        "val": np.sort(perm[n_train:n_train + n_val]),
        "test": np.sort(perm[n_train + n_val:]),
    }
    for name, items in parts.items():
        rows = sample_pairs(items, y, PAIRS[name], rng)
        path = os.path.join(HERE, f"digits_{name}.csv")
        with open(path, "w", newline="\n") as f:
            f.write("i,j,label\n")
            f.writelines(f"{a},{b},{l}\n" for a, b, l in rows)
        print(f"{name}: {len(items)} items, {len(rows)} pairs, {sum(r[2] for r in rows)} similar")

    for name in ["digits.npy", "digits_train.csv", "digits_val.csv", "digits_test.csv"]:
        with open(os.path.join(HERE, name), "rb") as f:
            data = f.read()
        print(f"{name}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
