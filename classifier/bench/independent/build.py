#!/usr/bin/env python3
"""Merges the writers' files g*.jsonl into all.jsonl: keeps texts whose triplet the model can
suggest (customer-selectable, in models/triplet/CURRENT's labels.json), drops repeated texts and
texts that also appear, exactly, in the corpus (classifier/data/{train,dev,test}.jsonl).

Usage (from the repository root): python3 classifier/bench/independent/build.py
"""
import collections
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


def main():
    current = open(os.path.join(ROOT, "models/triplet/CURRENT")).read().strip()
    labels = set(json.load(open(os.path.join(ROOT, "models/triplet", current, "labels.json"))))
    corpus = set()
    for split in ("train", "dev", "test"):
        with open(os.path.join(ROOT, "classifier/data", f"{split}.jsonl"), encoding="utf-8") as f:
            corpus.update(json.loads(l)["text"].strip() for l in f if l.strip())
    kept, seen, dropped = [], set(), collections.Counter()
    for path in sorted(glob.glob(os.path.join(HERE, "g*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                text = r["text"].strip()
                if r["label"] not in labels:
                    dropped["internal triplet"] += 1
                elif text in seen:
                    dropped["repeated"] += 1
                elif text in corpus:
                    dropped["also in the corpus"] += 1
                else:
                    seen.add(text)
                    kept.append({"text": r["text"], "label": r["label"]})
    with open(os.path.join(HERE, "all.jsonl"), "w", encoding="utf-8") as f:
        for r in kept:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    per = collections.Counter(r["label"] for r in kept)
    print(json.dumps({"texts": len(kept), "triplets": len(per), "min_per_triplet": min(per.values()),
                      "dropped": dict(dropped)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
