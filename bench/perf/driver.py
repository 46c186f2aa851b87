#!/usr/bin/env python3
"""Runs TrainBench and the PyTorch / Keras-JAX peers interleaved and prints one comparison table.

Called by bench/perf/run.sh (which builds TrainBench and prepares the virtualenv):

    python bench/perf/driver.py --trainbench PATH [--dims 64,128,384] [--heads ...] [--repeats 2]
        [--cpu 1] [--json-out runs.jsonl] [--markdown-out table.md] [--quick]

For every (n, head) it runs, one process each and in this order: ours as the harness runs by
default (the native AVX-512/AVX2 kernels, environment as it is), ours on OpenBLAS
(SYMSIM_GEMM=openblas) with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE as the machine sets them
(AVX2 kernel here), ours on OpenBLAS with both unset (OpenBLAS picks its kernel for the CPU,
AVX-512 here), PyTorch eager, Keras 3 on JAX; all with the same steps, warm-up and data, pinned
to one CPU (taskset) with every thread count at 1.
With --repeats R the whole interleaved round runs R times and each implementation's best
throughput counts (the same rule for all). Peak memory is each process's VmHWM / ru_maxrss.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time

HEADS = ["concat", "mirror", "sharedq", "pooling", "outer", "outer_r8"]

# Timed steps and warm-up steps per (head, n): about a second or more for the slowest peer.
def steps_for(head: str, n: int, quick: bool) -> tuple[int, int]:
    if head == "outer":
        steps, warm = {64: 60, 128: 30, 384: 4}.get(n, 10), (2 if n >= 384 else 5)
    elif n <= 64:
        steps, warm = 600, 30
    elif n <= 128:
        steps, warm = 400, 30
    else:
        steps, warm = 200, 20
    if quick:
        steps = max(2, steps // 8)
        warm = max(2, warm // 4)
    return steps, warm


def base_env() -> dict:
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTEROP_THREADS",
              "TF_NUM_INTRAOP_THREADS"):
        env[k] = "1"
    env["KERAS_BACKEND"] = "jax"
    env["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    env["JAX_PLATFORMS"] = "cpu"
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return env


def unset_openblas(env: dict) -> dict:
    env = dict(env)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    return env


def run_json(cmd: list[str], env: dict, cpu: str | None) -> dict | None:
    if cpu is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", cpu] + cmd
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}\n")
        return None
    return json.loads(lines[-1])


def fmt_k(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x / 1000:.1f}k" if x < 10_000 else f"{x / 1000:.0f}k"


def ratio(a: float | None, b: float | None) -> str:
    return "—" if not a or not b else f"{a / b:.2f}×"


def machine_description() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} vCPU {cpu}, {mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--trainbench", required=True)
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--dims", default="64,128,384")
    p.add_argument("--heads", default=",".join(HEADS))
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--cpu", default="1", help="CPU to pin every run to (taskset -c); 'none' to not pin")
    p.add_argument("--json-out")
    p.add_argument("--markdown-out")
    p.add_argument("--quick", action="store_true", help="few steps, for checking the pipeline")
    args = p.parse_args()
    cpu = None if args.cpu == "none" else args.cpu
    dims = [int(x) for x in args.dims.split(",")]
    heads = args.heads.split(",")
    here = os.path.dirname(os.path.abspath(__file__))
    peers = os.path.join(here, "peers.py")
    env = base_env()
    env_native = dict(env, SYMSIM_GEMM="native")
    env_blas = dict(env, SYMSIM_GEMM="openblas")
    env_blas_avx = unset_openblas(env_blas)
    # Our three settings: name, environment, column title.
    ours = [("swift", env_native, "native"), ("swift_openblas", env_blas, "OpenBLAS env"),
            ("swift_openblas_avx512", env_blas_avx, "OpenBLAS AVX-512")]
    settings = {name: e for name, e, _ in ours}

    out = open(args.json_out, "w") if args.json_out else None

    def record(r: dict):
        if out:
            out.write(json.dumps(r) + "\n")
            out.flush()

    # The single-thread product rate, for each OpenBLAS setting.
    gemm = {}
    for name, e in settings.items():
        r = run_json([args.trainbench, "--gemm", "--json"], e, cpu)
        if r:
            r["setting"] = name
            record(r)
            gemm[name] = r
            sys.stderr.write(f"gemm rate {name}: {r['gemm_gflops']} GFLOP/s ({r.get('description')})\n")

    best: dict[tuple, dict] = {}
    t_start = time.time()
    for rep in range(args.repeats):
        for n in dims:
            for head in heads:
                steps, warm = steps_for(head, n, args.quick)
                common = ["--head", head, "--n", str(n), "--steps", str(steps), "--warmup", str(warm)]
                runs = [(name, [args.trainbench, "--json"] + common, e) for name, e, _ in ours] + [
                    ("torch", [args.python, peers, "--framework", "torch"] + common, env),
                    ("keras", [args.python, peers, "--framework", "keras"] + common, env),
                ]
                for impl, cmd, e in runs:
                    r = run_json(cmd, e, cpu)
                    if r is None:
                        continue
                    r["impl"] = impl
                    r["repeat"] = rep
                    record(r)
                    key = (head, n, impl)
                    if key not in best or r["pairs_per_s"] > best[key]["pairs_per_s"]:
                        best[key] = r
                    sys.stderr.write(f"[{time.time() - t_start:6.0f}s] rep {rep} n={n:<4} {head:<9} {impl:<13} "
                                     f"{r['pairs_per_s']:>10.0f} pairs/s  peak {r.get('peak_mib')} MiB\n")

    def rate(name):
        g = gemm.get(name)
        return max(g["gemm_gflops"].values()) if g else None

    lines = []
    lines.append(f"Machine: {machine_description()}")
    for name, _, title in ours:
        g = gemm.get(name)
        if g:
            rates = ", ".join(f"{k}³ {v:.0f}" for k, v in g["gemm_gflops"].items())
            lines.append(f"Single-thread sgemm, ours {title} ({g.get('description')}; "
                         f"OPENBLAS_CORETYPE {g.get('coretype')}): {rates} GFLOP/s")
    lines.append("")
    lines.append("Training pairs per second (batch 256, best of "
                 f"{args.repeats}); ratios are ours / best peer and ours / PyTorch; "
                 "GFLOP/s is our matrix-product work per second (% of the best square sgemm rate "
                 "above for the same product library).")
    lines.append("")
    titles = [title for _, _, title in ours]
    lines.append("| head | n | " + " | ".join(f"ours ({t})" for t in titles) + " | PyTorch | Keras/JAX "
                 "| ours/best peer (" + "; ".join(titles) + ") | ours/PyTorch (" + "; ".join(titles) + ") "
                 "| GFLOP/s (% sgemm): " + "; ".join(titles) + " | peak MiB ours / torch / keras |")
    lines.append("|---|---|" + "---|" * (len(ours) + 6))
    for n in dims:
        for head in heads:
            mine = [best.get((head, n, name)) for name, _, _ in ours]
            t = best.get((head, n, "torch")); k = best.get((head, n, "keras"))
            pv = lambda r: r["pairs_per_s"] if r else None
            peer = max([x for x in (pv(t), pv(k)) if x], default=None)
            def g(r, name):
                if not r:
                    return "—"
                rr = rate(name)
                return f"{r['gflops']:.0f} ({100 * r['gflops'] / rr:.0f}%)" if rr else f"{r['gflops']:.0f}"
            mem = " / ".join(f"{r['peak_mib']:.0f}" if r and r.get("peak_mib") else "—" for r in (mine[0], t, k))
            lines.append(f"| {head} | {n} | " + " | ".join(fmt_k(pv(r)) for r in mine)
                         + f" | {fmt_k(pv(t))} | {fmt_k(pv(k))} | "
                         + "; ".join(ratio(pv(r), peer) for r in mine) + " | "
                         + "; ".join(ratio(pv(r), pv(t)) for r in mine) + " | "
                         + "; ".join(g(r, name) for r, (name, _, _) in zip(mine, ours)) + f" | {mem} |")
    table = "\n".join(lines)
    print(table)
    if args.markdown_out:
        with open(args.markdown_out, "w") as f:
            f.write(table + "\n")
    versions = {r["impl"]: r.get("version") for r in best.values() if r.get("version")}
    print("\nversions: " + json.dumps(versions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
