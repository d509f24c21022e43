"""Draws the JS-level benchmark chart: ns per call, one group of bars per
case, one bar per runtime, with hotcall's ratio to each peer.

    python3 benches/js/chart.py MEDIANS.json OUT.svg

MEDIANS.json is written by report.mjs (--json=FILE):
{"cases": [[key, label], ...], "runtimes": [[key, title], ...],
 "median": {runtime: {case: ns}}, "note": "..."}.
Uses matplotlib (run.sh installs it into its tools folder).
"""

import json
import sys

import matplotlib

matplotlib.use("svg")
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: small, greppable
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"hotcall": "#d62728", "deno": "#1f77b4", "bun": "#ff7f0e", "node": "#2ca02c"}


def fmt_ns(x):
    if x >= 1e6:
        return f"{x / 1e6:.2f} ms"
    if x >= 1e3:
        return f"{x / 1e3:.1f} µs"
    if x >= 10:
        return f"{x:.1f} ns"
    return f"{x:.2f} ns"


def ratio_text(med, case, runtimes):
    """'hotcall/Deno 0.81  /Bun 1.20 ...' for the case, peers that ran it."""
    mine = med.get("hotcall", {}).get(case)
    if mine is None:
        return ""
    parts = []
    for rt, title in runtimes:
        other = med.get(rt, {}).get(case)
        if rt != "hotcall" and other:
            parts.append(f"/{title} {mine / other:.2f}")
    return "hotcall" + "  ".join(parts) if parts else ""


def main(src, out):
    with open(src, encoding="utf-8") as f:
        data = json.load(f)
    med = data["median"]
    runtimes = [(k, t) for k, t in data["runtimes"] if med.get(k)]
    # Only cases some runtime ran.
    cases = [(k, lbl) for k, lbl in data["cases"] if any(k in med[rt] for rt, _ in runtimes)]
    n = len(runtimes)
    bar = 0.8 / max(n, 1)
    fig, ax = plt.subplots(figsize=(11, 0.16 * len(cases) * max(n, 2) + 1.6))
    for j, (rt, title) in enumerate(runtimes):
        ys, xs = [], []
        for i, (case, _) in enumerate(cases):
            v = med[rt].get(case)
            if v:
                ys.append(i + (j - (n - 1) / 2) * bar)
                xs.append(v)
        ax.barh(ys, xs, height=bar * 0.92, color=COLORS.get(rt, None), label=title)
        for y, x in zip(ys, xs):
            ax.text(x * 1.04, y, fmt_ns(x), va="center", fontsize=6.5)
    ax.set_xscale("log")
    ax.set_yticks(range(len(cases)))
    labels = []
    for case, label in cases:
        r = ratio_text(med, case, runtimes)
        labels.append(f"{label}\n{r}" if r else label)
    ax.set_yticklabels(labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_ylim(len(cases) - 0.5, -1.3)  # room for the legend above the first case
    ax.set_xlabel("time per call (log scale; lower is better)")
    ax.grid(axis="x", which="both", alpha=0.25)
    ax.legend(loc="upper right", fontsize=8, ncol=4, framealpha=0.9)
    ax.set_title(data.get("title", "FFI calls from JavaScript"), fontsize=10)
    if data.get("note"):
        fig.text(0.01, 0.005, data["note"], fontsize=6.5, alpha=0.8)
    xmax = max((v for rt, _ in runtimes for v in med[rt].values()), default=1)
    ax.set_xlim(right=xmax * 4)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    fig.savefig(out, format="svg", metadata={"Date": None})


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: chart.py MEDIANS.json OUT.svg")
    main(sys.argv[1], sys.argv[2])
