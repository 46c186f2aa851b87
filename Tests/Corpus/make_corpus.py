#!/usr/bin/env python3
"""Writes the hand-made bad files of Tests/Corpus (configs/ and data/).

Each file is small and breaks one rule; Tests/Corpus/README.md lists the exact one-line error
each must produce, and CorpusTests checks every row. Run from anywhere:

    python3 Tests/Corpus/make_corpus.py

The files are committed; rerun this only to change them (then update the README table, e.g.
with `SYMSIM_CORPUS_PRINT=1 swift test --filter CorpusTests`, which prints the current lines).
"""
import json
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(sub, name, data):
    path = os.path.join(HERE, sub, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


# A minimal valid config; `good(**patch)` merges top-level keys into it.
BASE = {
    "datasets": [{"synthetic": "clusters", "items": 200, "dim": 8, "train_pairs": 300, "val_pairs": 100, "test_pairs": 100}],
    "models": [{"architecture": "concat"}],
}


def good(**patch):
    doc = dict(BASE)
    doc.update(patch)
    return doc


def cfg(name, doc):
    write("configs", name, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")


# ---- configs: not JSON (no JSON path to name: the message gives line and column) ----
write("configs", "not-json.json", "datasets: []\n")
write("configs", "trailing-comma.json", '{"models": [{"architecture": "dot"},],\n "datasets": []}\n')
write("configs", "nan-token.json", '{"jobs": NaN}\n')
write("configs", "number-out-of-range.json", '{\n  "jobs": 1e999\n}\n')
write("configs", "duplicate-key.json", '{"jobs": 1, "jobs": 2}\n')
write("configs", "deep-nesting.json", '{"seeds": ' + "[" * 300 + "]" * 300 + "}\n")
write("configs", "invalid-utf8.json", b'{"name": "caf\xe9"}\n')
write("configs", "lone-surrogate.json", '{"name": "\\ud800x"}\n')
write("configs", "control-character.json", '{"name": "a\tb"}\n')
write("configs", "text-after-document.json", '{}\n{}\n')
write("configs", "byte-order-mark-then-garbage.json", b'\xef\xbb\xbf\x01{}')
write("configs", "empty.json", "")

# ---- configs: JSON, but not a sweep (a refused object always names a JSON path) ----
write("configs", "top-level-array.json", "[1, 2]\n")
cfg("empty-key.json", good(**{"": 1}))
cfg("newline-key.json", good(**{"a\nb": 1}))
cfg("dotted-key.json", good(**{"training": {"epochs.max": 3}}))
cfg("seed-not-integer.json", good(seeds=[0, 1.5]))
cfg("jobs-too-large-for-int.json", good(jobs=9223372036854775808))
cfg("float-epochs.json", good(training={"epochs": 2.5}))
cfg("hidden-is-string.json", good(models=[{"architecture": "concat", "hidden": "64"}]))
cfg("unknown-architecture.json", good(models=[{"architecture": "transformer"}]))
cfg("unknown-distribution.json", good(training={"learning_rate": {"normal\n": [0, 1]}}))
cfg("empty-choice.json", good(training={"optimizer": {"choice": []}}))
cfg("int-uniform-overflow.json", good(training={"patience": {"int_uniform": [0, 9223372036854775807]}}))
cfg("samples-explosion.json", good(search={"samples": 1000000000}, training={"learning_rate": {"log_uniform": [0.0001, 0.1]}}))
cfg("grid-explosion.json", good(seeds=list(range(10)), models=[{"architecture": "mirror", "width": list(range(1, 41)),
                                                                "hidden": [[k] for k in range(1, 41)],
                                                                "merge": ["sum", "mean", "max"],
                                                                "activation": ["relu", "tanh"],
                                                                "initializer": ["torch_linear", "he_normal"]}]))
cfg("fractions-not-summing-to-one.json", good(datasets=[{"embeddings": "e.npy", "pairs": "p.csv", "fractions": [0.5, 0.5, 0.5]}]))
cfg("contrastive-needs-distance.json", good(training={"loss": "contrastive"}))
cfg("duplicate-dataset-name.json", good(datasets=[{"synthetic": "clusters"}, {"synthetic": "norms", "name": "clusters"}]))
cfg("synthetic-items-out-of-range.json", good(datasets=[{"synthetic": "clusters", "items": 10**12}]))

# ---- embeddings: .npy ----
MAGIC = b"\x93NUMPY"


def npy(d, payload=b"", major=1, raw_header=None):
    text = raw_header if raw_header is not None else d.encode("latin-1")
    lb = 2 if major == 1 else 4
    pad = (64 - (8 + lb + len(text) + 1) % 64) % 64
    header = text + b" " * pad + b"\n"
    return MAGIC + bytes([major, 0]) + len(header).to_bytes(lb, "little") + header + payload


F4 = struct.pack("<6f", 1, 2, 3, 4, 5, 6)
write("data", "npy-empty.npy", b"")
write("data", "npy-not-numpy.npy", b"PK\x03\x04 this is a zip file")
write("data", "npy-truncated-preamble.npy", MAGIC + b"\x01\x00\x76")
write("data", "npy-version-9.npy", MAGIC + b"\x09\x00" + b"\x00" * 8)
write("data", "npy-header-length-4g.npy", MAGIC + b"\x02\x00\xff\xff\xff\xff" + b"{}")
write("data", "npy-header-past-end.npy", MAGIC + b"\x01\x00\x00\x10{'descr': '<f4'}")
write("data", "npy-big-endian.npy", npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", F4))
write("data", "npy-int32.npy", npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", F4))
write("data", "npy-dtype-with-newline.npy", npy("{'descr': '<f\n4', 'fortran_order': False, 'shape': (2, 3), }", F4))
write("data", "npy-fortran-order.npy", npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", F4))
write("data", "npy-3d.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }", F4))
write("data", "npy-zero-rows.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }"))
write("data", "npy-shape-overflow.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", F4))
write("data", "npy-shape-too-large-for-int.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 3), }", F4))
write("data", "npy-truncated-data.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", F4[:-1]))
write("data", "npy-trailing-bytes.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", F4 + b"\x00" * 4))
write("data", "npy-nan.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", struct.pack("<6f", 1, 2, 3, 4, float("nan"), 6)))
write("data", "npy-f8-beyond-float32.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", struct.pack("<2d", 1, 1e300)))
write("data", "npy-deep-nesting.npy", npy("(" * 100))
write("data", "npy-header-not-a-dict.npy", npy("['descr', '<f4']", F4))
write("data", "npy-missing-shape.npy", npy("{'descr': '<f4', 'fortran_order': False}", F4))
write("data", "npy-escape-in-string.npy", npy("{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2, 3)}", F4))
write("data", "npy-header-invalid-utf8.npy", npy("", F4, raw_header=b"{'descr': '<f4\xff', 'fortran_order': False, 'shape': (2, 3)}"))

# ---- embeddings: .fvecs ----


def fvec(*vals, dim=None):
    return struct.pack("<i", len(vals) if dim is None else dim) + struct.pack("<%df" % len(vals), *vals)


write("data", "fvecs-empty.fvecs", b"")
write("data", "fvecs-three-bytes.fvecs", b"\x03\x00\x00")
write("data", "fvecs-negative-dim.fvecs", struct.pack("<i", -4) + b"\x00" * 16)
write("data", "fvecs-dim-2g.fvecs", struct.pack("<i", 0x7FFFFFFF) + b"\x00" * 8)
write("data", "fvecs-ragged.fvecs", fvec(1, 2, 3) + fvec(4, 5))
write("data", "fvecs-cut-short.fvecs", fvec(1, 2, 3) + fvec(4, 5, 6)[:-2])
write("data", "fvecs-infinity.fvecs", fvec(1, 2, 3) + fvec(4, float("inf"), 6))

# ---- embeddings: .csv / .tsv ----
write("data", "csv-empty.csv", "")
write("data", "csv-header-only.csv", "a,b,c\n")
write("data", "csv-ragged.csv", "1,2,3\n4,5\n")
write("data", "csv-text-cell.csv", "1,2,3\n4,five,6\n")
write("data", "csv-nan.csv", "1,2,3\n4,nan,6\n")
write("data", "csv-overflow-float32.csv", "1,2,3\n4,1e39,6\n")
write("data", "csv-carriage-return-in-cell.csv", "1,2,3\n4,5\r6,7\n")
write("data", "csv-unterminated-quote.csv", '1,2,3\n4,"5,6\n')
write("data", "csv-text-after-quote.csv", '1,"2"x,3\n')
write("data", "tsv-invalid-utf8.tsv", b"1\t2\n3\t\xff\xfe\n")
# Found by libFuzzer: Swift's Float(String) stops at a NUL byte, so "4\0abc" was read as 4.
write("data", "csv-nul-after-number.csv", b"1,2\n3,4\x00abc\n")
write("data", "csv-nul-after-overflow.csv", b"1,2\n-1e39\x00\r\x1e,4\n")
write("data", "tsv-escape-sequence.tsv", "1\t2\n3\t\x1b[31mred\n")

# ---- pairs (checked against 10 embedding rows) ----
write("data", "pairs-empty.csv", "")
write("data", "pairs-header-only.csv", "i,j,label\n")
write("data", "pairs-missing-label.csv", "i,j,score\n0,1,1\n")
write("data", "pairs-repeated-column.csv", "i,j,label,I\n0,1,1,2\n")
write("data", "pairs-ragged.csv", "i,j,label\n0,1,1\n2,3\n")
write("data", "pairs-index-out-of-range.csv", "i,j,label\n0,1,1\n2,10,0\n")
write("data", "pairs-negative-index.csv", "i,j,label\n-1,1,1\n")
write("data", "pairs-huge-index.csv", "i,j,label\n99999999999999999999,1,1\n")
write("data", "pairs-float-index.csv", "i,j,label\n1.0,2,1\n")
write("data", "pairs-label-2.csv", "i,j,label\n0,1,2\n")
write("data", "pairs-label-nan.csv", "i,j,label\n0,1,nan\n")
write("data", "pairs-nul-in-label.csv", b"i,j,label\n0,1,1\x00junk\n")
write("data", "pairs-carriage-return-in-label.csv", "i,j,label\n0,1,1\r2\n")
write("data", "pairs-duplicate.csv", "i,j,label\n0,1,1\n2,3,0\n1,0,1\n")
write("data", "pairs-contradictory.csv", "i,j,label\n0,1,1\n1,0,0\n")

# ---- model files ----


def model(header, payload=b"", version=1, crc=True, length=None):
    h = json.dumps(header, separators=(",", ":"), sort_keys=True).encode() if isinstance(header, dict) else header
    body = b"SYMSIMW1" + struct.pack("<II", version, len(h) if length is None else length) + h + payload
    return body + struct.pack("<I", zlib.crc32(body) if crc else (zlib.crc32(body) ^ 1))


def params(*shapes):
    return [{"name": n, "rows": r, "cols": c} for (n, r, c) in shapes]


DOT = {"format_version": 1, "input_dim": 4, "spec": {"architecture": "dot"},
       "parameters": params(("dot.log_scale", 1, 1), ("dot.bias", 1, 1))}
DOT_PAYLOAD = struct.pack("<2f", 0, 0)
write("data", "model-not-a-model.bin", b"SYMSIMW2" + b"\x00" * 16)
write("data", "model-truncated.bin", b"SYMSIMW1\x01\x00")
write("data", "model-version-2.bin", model(DOT, DOT_PAYLOAD, version=2))
write("data", "model-header-length-4g.bin", model(DOT, DOT_PAYLOAD, length=0xFFFFFFFF))
write("data", "model-bad-checksum.bin", model(DOT, DOT_PAYLOAD, crc=False))
write("data", "model-header-not-json.bin", model(b"{not json}", DOT_PAYLOAD))
write("data", "model-negative-shape.bin", model(dict(DOT, parameters=params(("dot.log_scale", -1, 1), ("dot.bias", 1, 1)))))
write("data", "model-name-with-newline.bin", model(dict(DOT, parameters=params(("dot.log\nscale", 1, 1), ("dot.bias", 1, 1))), DOT_PAYLOAD))
write("data", "model-wrong-parameter-count.bin", model(dict(DOT, parameters=params(("dot.log_scale", 1, 1))), DOT_PAYLOAD[:4]))
write("data", "model-input-dim-zero.bin", model(dict(DOT, input_dim=0), DOT_PAYLOAD))
# Found by the fuzzer: `dot` stores no weights that depend on input_dim, so any value passed.
write("data", "model-dot-input-dim-2-60.bin", model(dict(DOT, input_dim=2**60), DOT_PAYLOAD))
# Found by the fuzzer: a header whose spec describes ~10^18 weights made the loader allocate
# them before comparing with the stored shapes (a trap: "failed to allocate ... bytes").
write("data", "model-huge-hidden.bin", model({"format_version": 1, "input_dim": 3,
                                              "spec": {"architecture": "pooling", "hidden": [952074896193282008]},
                                              "parameters": params(("pooling.0.weight", 3, 3), ("pooling.0.bias", 1, 3))},
                                             b"\x00" * 48))
# input_dim² overflows Int in the factory's size check for a full-rank outer head.
write("data", "model-outer-input-dim-2-32.bin", model({"format_version": 1, "input_dim": 4294967296,
                                                      "spec": {"architecture": "outer", "width": 1, "rank": 0, "hidden": []},
                                                      "parameters": params(("outer.w", 1, 1))}, b"\x00" * 4))
# 2·n·rank overflowed Int in the factory's size check for a low-rank outer head (a trap).
write("data", "model-outer-rank-2-62.bin", model({"format_version": 1, "input_dim": 4,
                                                  "spec": {"architecture": "outer", "width": 1, "rank": 2**62, "hidden": []},
                                                  "parameters": params(("outer.uv", 1, 1))}, b"\x00" * 4))
