#!/usr/bin/env python3
"""How often does a careful second reader give a test text the main topic of its label?

`second_reader.jsonl` holds a blind second reading of 300 test texts drawn at random (seed 2026):
a reader who saw only the texts, in random order, and the taxonomy, wrote for each the main topic
an ITA clerk would assign (`main`) and, when an honest reader could hesitate, a second one (`alt`).
This script compares the reader and, optionally, a model with the gold labels on those texts:

    cargo run --release -p classifier -- eval --model models/triplet/v3 \
        --data classifier/data/test.jsonl --predictions /tmp/pred_test.jsonl
    python3 classifier/bench/agreement/agreement.py --predictions /tmp/pred_test.jsonl

The reader's agreement bounds what main-topic accuracy the corpus's labels can support: the texts
where the reader disagrees are mostly ones that honestly straddle two main topics.
"""

import argparse
import json
import os
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--test", default=os.path.join(HERE, "..", "..", "data", "test.jsonl"))
    ap.add_argument("--reader", default=os.path.join(HERE, "second_reader.jsonl"))
    ap.add_argument("--predictions", help="JSONL written by `classifier eval --predictions`")
    a = ap.parse_args()
    gold = [json.loads(line) for line in open(a.test, encoding="utf-8")]
    reader = [json.loads(line) for line in open(a.reader, encoding="utf-8")]
    pred = None
    if a.predictions:
        pred = [json.loads(line) for line in open(a.predictions, encoding="utf-8")]
        if len(pred) != len(gold):
            raise SystemExit("predictions and test split differ in length")
    rows = []
    for r in reader:
        i = r["test_line"] - 1
        if gold[i]["text"] != r["text"]:
            raise SystemExit(f"test line {i + 1} changed since the reading; the sample is stale")
        g = gold[i]["label"].split(".")[0]
        m = pred[i]["main_topic"] == g if pred else None
        rows.append((g, r["main"], r["alt"], m))
    n = len(rows)
    clear = [x for x in rows if x[2] is None]
    out = {
        "n": n,
        "reader_main_agrees": round(sum(x[1] == x[0] for x in rows) / n, 4),
        "reader_main_or_alt_agrees": round(sum(x[0] in (x[1], x[2]) for x in rows) / n, 4),
        "texts_reader_found_clear": len(clear),
        "reader_agrees_on_clear": round(sum(x[1] == x[0] for x in clear) / max(1, len(clear)), 4),
        "disagreements (gold, reader)": Counter(
            f"{x[0]}->{x[1]}" for x in rows if x[1] != x[0]
        ).most_common(),
    }
    if pred:
        out["model_main_top1"] = round(sum(bool(x[3]) for x in rows) / n, 4)
        out["model_main_top1_on_clear"] = round(
            sum(bool(x[3]) for x in clear) / max(1, len(clear)), 4
        )
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
