#!/usr/bin/env python3
"""Generate metric_fixtures.json: reference values from scikit-learn for the Swift metrics.

Run from anywhere, with scikit-learn and numpy installed in a virtualenv outside the repo:

    python3 -m venv /tmp/venv-metrics
    /tmp/venv-metrics/bin/pip install scikit-learn numpy
    /tmp/venv-metrics/bin/python Tests/ExperimentsKitTests/Fixtures/make_metric_fixtures.py

The output is deterministic for a given numpy (the generator is seeded) and is written next
to this script. Each case holds labels (0/1), scores (used as logits), a threshold, and:

- roc_auc:            sklearn.metrics.roc_auc_score(labels, scores)
- average_precision:  sklearn.metrics.average_precision_score(labels, scores)
- log_loss:           our own reference, computed here from the logits with the stable form
                      max(z,0) - z*y + log1p(exp(-|z|)) and an exact sum (math.fsum).
                      sklearn's log_loss takes probabilities and clips them to
                      [eps, 1 - eps] (eps = float64 machine epsilon), and forming
                      1 - sigmoid(z) loses digits for large |z|, so it is not an exact
                      reference for confident logits (a wrong logit of 50 costs 50 exactly,
                      but -log(eps) = 36.04 after clipping).
- log_loss_sklearn:   sklearn.metrics.log_loss(labels, sigmoid(scores)), recorded for
                      comparison; log_loss_sklearn_agrees says whether it matches log_loss
                      to 1e-9 (it does not where clipping interferes: the
                      confident_mistakes case).
- accuracy, f1:       sklearn's accuracy_score and f1_score of the prediction
                      (score > threshold).
- chosen_threshold:   the accuracy-maximising threshold under the rule documented on
                      Metrics.chooseThreshold (midpoints between distinct sorted scores,
                      0 or one unit beyond at the ends, ties to the threshold closest to 0,
                      then the lower), found here by brute force over every candidate with
                      sklearn's accuracy_score; chosen_accuracy is its accuracy. The script
                      also checks that no threshold on a dense grid does better.
"""

import json
import math
import os

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, average_precision_score, f1_score,
                             log_loss, roc_auc_score)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "metric_fixtures.json")
rng = np.random.default_rng(20240611)


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def stable_log_loss(z, y):
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    terms = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return math.fsum(terms.tolist()) / len(terms)


def below(hi):
    if hi > 0:
        return 0.0
    t = hi - 1.0
    return t if t < hi else np.nextafter(hi, -np.inf)


def at_or_above(lo):
    return 0.0 if lo <= 0 else lo + 1.0


def candidates(scores):
    u = sorted(set(float(s) for s in scores))
    cands = [below(u[0])]
    for lo, hi in zip(u, u[1:]):
        cands.append((lo + hi) / 2.0)
    cands.append(at_or_above(u[-1]))
    return cands


def choose_threshold(scores, labels):
    """Brute force: every candidate's accuracy from sklearn, ties to |t| smallest, then lower."""
    if labels.min() == labels.max():
        return 0.0, float(accuracy_score(labels, scores > 0.0))
    best = None
    for t in candidates(scores):  # ascending
        acc = accuracy_score(labels, scores > t, normalize=False)  # integer count: exact ties
        if best is None or acc > best[0] or (acc == best[0] and abs(t) < abs(best[1])):
            best = (acc, t)
    acc, t = best
    # Independent check of optimality: no threshold on a dense grid beats it.
    grid = np.linspace(scores.min() - 1, scores.max() + 1, 4001)
    grid_best = max(accuracy_score(labels, scores > g, normalize=False) for g in grid)
    assert grid_best <= acc, (grid_best, acc)
    return float(t), float(acc) / len(labels)


def make_case(name, scores, labels, threshold=0.0, note=""):
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    assert scores.shape == labels.shape and labels.min() == 0 and labels.max() == 1
    pred = (scores > threshold).astype(np.int64)
    ll = stable_log_loss(scores, labels)
    ll_sk = float(log_loss(labels, sigmoid(scores), labels=[0, 1]))
    chosen, chosen_acc = choose_threshold(scores, labels)
    return {
        "name": name,
        "note": note,
        "labels": labels.tolist(),
        "scores": scores.tolist(),
        "threshold": float(threshold),
        "roc_auc": float(roc_auc_score(labels, scores)),
        "average_precision": float(average_precision_score(labels, scores)),
        "log_loss": ll,
        "log_loss_sklearn": ll_sk,
        "log_loss_sklearn_agrees": abs(ll - ll_sk) <= 1e-9,
        "accuracy": float(accuracy_score(labels, pred)),
        "f1": float(f1_score(labels, pred)),
        "chosen_threshold": chosen,
        "chosen_accuracy": chosen_acc,
    }


def labelled_normals(n, positive_rate, shift, spread=1.0):
    labels = (rng.random(n) < positive_rate).astype(np.int64)
    labels[0], labels[1] = 1, 0  # both classes always present
    scores = rng.normal(0.0, spread, n) + shift * labels
    return scores, labels


cases = []

s, y = labelled_normals(300, 0.4, 1.0, 1.5)
cases.append(make_case("ties_rounded", np.round(s, 1), y, 0.0,
                       "normal scores rounded to 0.1: many tie groups mixing both classes"))

s, y = labelled_normals(150, 0.5, 0.8)
cases.append(make_case("all_distinct", np.round(s, 6), y, 0.25, "continuous scores, no ties"))

cases.append(make_case("tiny_two_separated", [0.3, -0.2], [1, 0], 0.0, "two items, right order"))
cases.append(make_case("tiny_two_tied", [0.5, 0.5], [1, 0], 0.0, "two items, one tie: AUC 0.5"))
cases.append(make_case("tiny_two_inverted", [-1.0, 2.0], [1, 0], 0.5, "two items, wrong order"))

s, y = labelled_normals(600, 0.02, 2.0)
cases.append(make_case("imbalanced_rare_positives", np.round(s, 3), y, 1.0,
                       "about 2% positives"))

s, y = labelled_normals(400, 0.97, 1.5)
cases.append(make_case("imbalanced_rare_negatives", np.round(s, 3), y, 0.0,
                       "about 3% negatives"))

y = np.array([1] * 20 + [0] * 30)
s = np.where(y == 1, rng.uniform(20, 40, 50), rng.uniform(-40, -20, 50))
cases.append(make_case("perfect_separation", np.round(s, 4), y, 0.0,
                       "confident logits, all right: AUC 1, log loss about 1e-9"))

y = np.array([1] * 10 + [0] * 10)
s = np.where(y == 1, 45.0, -45.0)
s[[0, 1, 10]] = [-50.0, -38.5, 42.25]  # three confident mistakes
cases.append(make_case("confident_mistakes", s + np.round(rng.uniform(-1, 1, 20), 3), y, 0.0,
                       "wrong logits beyond +-36: sklearn's clipped log_loss underestimates"))

s, y = labelled_normals(120, 0.5, -2.5)
cases.append(make_case("inverted", np.round(s, 4), y, 0.0, "positives score lower: AUC near 0"))

s, y = labelled_normals(250, 0.35, 1.2, 1.3)
cases.append(make_case("integer_valued", np.clip(np.round(s), -3, 3), y, 0.0,
                       "integer scores in [-3, 3]: few, large tie groups; threshold on a score"))

y = np.array([1, 0, 0, 1, 0, 1, 0, 0])
cases.append(make_case("all_tied", np.full(8, 0.7), y, 0.0,
                       "one tie group: AUC 0.5, AP equals the positive rate"))

s, y = labelled_normals(2000, 0.3, 1.0)
cases.append(make_case("large_2000", np.round(s, 5), y, 0.3, "n = 2000, few ties"))

fixtures = {
    "generator": "make_metric_fixtures.py",
    "sklearn_version": sklearn.__version__,
    "numpy_version": np.__version__,
    "cases": cases,
}
with open(OUT, "w") as f:
    json.dump(fixtures, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {OUT} ({os.path.getsize(OUT)} bytes)")
for c in cases:
    print(f"  {c['name']:28s} n={len(c['labels']):5d} auc={c['roc_auc']:.6f} "
          f"ap={c['average_precision']:.6f} ll={c['log_loss']:.6f} "
          f"sk_agrees={c['log_loss_sklearn_agrees']} t*={c['chosen_threshold']:.4g}")
