#!/usr/bin/env python3
"""Baselines beside our model, on the same split, in one run.

Trains (1) TF-IDF character n-grams + logistic regression (scikit-learn) and (2) fastText
supervised with character n-grams (the official `fasttext` bindings, package `fasttext-wheel`) on
DATA/train.jsonl, picks each baseline's hyperparameters on DATA/dev.jsonl, evaluates on
DATA/test.jsonl (and dev), and prints their metrics beside `classifier eval` of our model.

Metric definitions mirror classifier/src/eval.rs: top1, top3, main_top1 and secondary_top1
(probabilities of leaves summed per topic), macro_f1 (scikit-learn's default label set: union
of gold and predicted), ece (top-1 confidence, 15 equal-width bins), n, single-text latency
p50/p99 in microseconds. Baselines have no abstain rule (abstain_rate is null).

Usage (from the repository root):
    python3 classifier/bench/baselines.py --data classifier/data \
        [--extra independent=classifier/bench/independent/all.jsonl]
`--extra NAME=FILE` (repeatable) also evaluates every model on another JSONL file, such as the
independently written set (classifier/bench/independent/README.md).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import unicodedata

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score


def read(path):
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(l) for l in f if l.strip()]
    return [r["text"] for r in rows], [r["label"] for r in rows]


def light_norm(t):
    # the baselines get a fair, light normalisation: niqqud removed, quotes unified, lower-case
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    for a in "\u05f4\u201c\u201d\u201e":
        t = t.replace(a, '"')
    for a in "\u05f3\u2018\u2019`":
        t = t.replace(a, "'")
    return " ".join(t.lower().split())


def metrics(labels, gold, probs, latencies):
    """probs: (n, L) array in `labels` order."""
    labels = np.array(labels)
    order = np.argsort(-probs, axis=1)
    pred = labels[order[:, 0]]
    n = len(gold)
    gold_a = np.array(gold)
    top3 = np.mean([g in labels[o[:3]] for g, o in zip(gold, order)])

    def level(code_fn):
        groups = sorted({code_fn(l) for l in labels})
        idx = {g: i for i, g in enumerate(groups)}
        m = np.zeros((len(labels), len(groups)))
        for i, l in enumerate(labels):
            m[i, idx[code_fn(l)]] = 1.0
        agg = probs @ m
        best = np.array(groups)[agg.argmax(axis=1)]
        return float(np.mean(best == np.array([code_fn(g) for g in gold])))

    conf = probs.max(axis=1)
    correct = pred == gold_a
    bins = np.minimum((conf * 15).astype(int), 14)
    ece = sum(abs(correct[bins == b].sum() - conf[bins == b].sum()) for b in range(15)) / n
    lat = np.sort(np.array(latencies))
    pick = lambda q: float(lat[min(len(lat) - 1, int(round((len(lat) - 1) * q)))])
    return {
        "top1": float(np.mean(correct)),
        "top3": float(top3),
        "main_top1": level(lambda c: c.split(".")[0]),
        "secondary_top1": level(lambda c: c.rsplit(".", 1)[0]),
        "macro_f1": float(f1_score(gold_a, pred, average="macro")),
        "ece": float(ece),
        "abstain_rate": None,
        "n": n,
        "latency_p50_us": pick(0.5),
        "latency_p99_us": pick(0.99),
    }


class TfidfLR:
    name = "tfidf_char_lr"

    def __init__(self, C):
        self.C = C
        self.vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1)
        self.lr = LogisticRegression(C=C, max_iter=2000)

    def fit(self, X, y):
        self.lr.fit(self.vec.fit_transform([light_norm(t) for t in X]), y)
        self.labels = list(self.lr.classes_)
        return self

    def predict_proba(self, X):
        return self.lr.predict_proba(self.vec.transform([light_norm(t) for t in X]))


class FastText:
    name = "fasttext_supervised"

    def __init__(self, epoch, lr):
        self.epoch, self.lr = epoch, lr

    def fit(self, X, y):
        import fasttext

        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
            for t, l in zip(X, y):
                f.write(f"__label__{l} {light_norm(t)}\n")
            path = f.name
        self.m = fasttext.train_supervised(
            input=path, epoch=self.epoch, lr=self.lr, wordNgrams=2, minn=2, maxn=5, dim=50,
            bucket=2_000_000, loss="softmax", thread=1, seed=42, verbose=0,
        )
        os.unlink(path)
        self.labels = sorted(l.replace("__label__", "") for l in self.m.labels)
        self.index = {l: i for i, l in enumerate(self.labels)}
        return self

    def predict_proba(self, X):
        out = np.zeros((len(X), len(self.labels)))
        for i, t in enumerate(X):
            # m.f.predict avoids fasttext 0.9.2's numpy-2 incompatibility in m.predict
            for p, l in self.m.f.predict(light_norm(t).replace("\n", " "), -1, 0.0, "strict"):
                out[i, self.index[l.replace("__label__", "")]] = p
        return out


def timed_eval(model, X, y):
    lat = []
    for t in X[:20]:
        model.predict_proba([t])
    for t in X:
        t0 = time.perf_counter()
        model.predict_proba([t])
        lat.append((time.perf_counter() - t0) * 1e6)
    return metrics(model.labels, y, model.predict_proba(X), lat)


def choose(build, grid, tr, dv):
    best = None
    for params in grid:
        m = build(**params).fit(*tr)
        acc = float(np.mean(np.array(m.labels)[m.predict_proba(dv[0]).argmax(1)] == np.array(dv[1])))
        print(f"  {m.name} {params}: dev top1 {acc:.4f}", file=sys.stderr)
        if best is None or acc > best[0]:
            best = (acc, params)
    t0 = time.perf_counter()
    m = build(**best[1]).fit(*tr)
    return m, best[1], time.perf_counter() - t0


def ours(args, path):
    cmd = args.classifier_cmd.split() + ["eval", "--model", args.model, "--data", path]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="classifier/data")
    ap.add_argument("--model", default=None, help="model directory (default: the bundled one, models/triplet/CURRENT)")
    ap.add_argument("--classifier-cmd", default="cargo run -q --release -p classifier --",
                    help="command that runs our CLI (e.g. a built binary path)")
    ap.add_argument("--extra", action="append", default=[], metavar="NAME=FILE",
                    help="also evaluate every model on this JSONL file (e.g. independent=classifier/bench/independent/all.jsonl)")
    args = ap.parse_args()
    extra = dict(e.split("=", 1) for e in args.extra)
    if args.model is None:
        with open("models/triplet/CURRENT") as f:
            args.model = os.path.join("models/triplet", f.read().strip())
    tr = read(os.path.join(args.data, "train.jsonl"))
    dv = read(os.path.join(args.data, "dev.jsonl"))
    te = read(os.path.join(args.data, "test.jsonl"))
    sets = {"dev": dv, "test": te} | {name: read(path) for name, path in extra.items()}
    paths = {"dev": os.path.join(args.data, "dev.jsonl"), "test": os.path.join(args.data, "test.jsonl")} | extra
    results = {}
    for build, grid in [
        (TfidfLR, [{"C": c} for c in (3.0, 10.0, 30.0, 100.0)]),
        (FastText, [{"epoch": e, "lr": lr} for e in (25, 50) for lr in (0.5, 1.0)]),
    ]:
        m, params, secs = choose(build, grid, tr, dv)
        results[m.name] = {"params": params, "train_seconds": round(secs, 2)}
        results[m.name] |= {name: timed_eval(m, *data) for name, data in sets.items()}
    results["ours"] = {"model": args.model} | {name: ours(args, path) for name, path in paths.items()}
    print(json.dumps(results, indent=1))
    keys = ["top1", "top3", "main_top1", "secondary_top1", "macro_f1", "ece", "abstain_rate", "latency_p50_us", "latency_p99_us"]
    for split in sets:
        print(f"\n{split} (n={results['ours'][split]['n']})")
        print(f"{'model':22}" + "".join(f"{k:>16}" for k in keys))
        for name, r in results.items():
            row = r[split]
            print(f"{name:22}" + "".join(f"{'-' if row[k] is None else format(row[k], '.4f'):>16}" for k in keys))


if __name__ == "__main__":
    main()
