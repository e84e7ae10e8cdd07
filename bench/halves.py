"""Splits the labelled pages into two fixed halves and prints each half's figures.

  bench/halves.py KEEP_DIR

KEEP_DIR is the folder given to bench/extraction.sh as BEATWIRE_BENCH_KEEP: one folder per set
holding per-page.tsv, score.py's per-page scores. A page's half (A or B) is the parity of the
first byte of the MD5 of its id, so it never changes. Change a rule looking at the pages of one
half only, then read the other half's figures: a rule fitted to the pages looked at shows there
as no gain, or a loss.
"""

import csv
import hashlib
import os
import sys

FIELDS = ["body_f1", "title_exact", "time_match", "date_match", "author_exact"]


def half(page_id):
    return "A" if hashlib.md5(page_id.encode()).digest()[0] % 2 == 0 else "B"


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    root = sys.argv[1]
    for label in sorted(os.listdir(root)):
        path = os.path.join(root, label, "per-page.tsv")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        for side in "AB":
            pages = [r for r in rows if half(r["id"]) == side]
            shown = []
            for field in FIELDS:
                values = [r[field] for r in pages if r.get(field) not in (None, "", "None")]
                if not values:
                    continue
                if field == "body_f1":
                    value = sum(float(v) for v in values) / len(values)
                else:
                    value = sum(v == "True" for v in values) / len(values)
                shown.append(f"{field} {value:.4f} (n={len(values)})")
            print(f"{label} {side} pages={len(pages)}: " + ", ".join(shown))


if __name__ == "__main__":
    main()
