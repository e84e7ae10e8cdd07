"""Checks extraction scores against the floors recorded in the repository.

  floors.py FLOORS_JSON SCORE_DIR

FLOORS_JSON maps a set's label (its folder under the corpus, `/` as `-`) to the lowest figure
each field may reach, in score.py's terms:
  {"extraction-zh": {"body_f1": 0.958, "title_exact": 1.0, ...}, ...}
SCORE_DIR holds LABEL.beatwire.json, score.py's --json summary of each set. Prints one line per
figure (figure, floor, verdict) and exits 1 when any figure is below its floor or missing: a
change that loses quality on the labelled pages fails CI instead of landing quietly. A set
whose summary is absent (its corpus folder is missing) is reported and skipped.
"""

import json
import os
import sys

# The figures a floor may name, and where score.py's summary keeps each.
FIELDS = {
    "body_f1": ("body", "f1"),
    "title_exact": ("title", "title_exact", "rate"),
    "time_match": ("publish_time", "time_match", "rate"),
    "date_match": ("publish_time", "date_match", "rate"),
    "author_exact": ("author", "author_exact", "rate"),
}
# Scores are averages over a few dozen pages: allow for float rounding, nothing more.
EPSILON = 1e-9


def figure(summary, path):
    value = summary.get("all", {})
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        floors = json.load(f)
    failed = []
    for label, fields in sorted(floors.items()):
        # `feed-entries` is bench/entry_floors.sh's.
        if label.startswith("_") or not label.startswith("extraction"):
            continue
        path = os.path.join(sys.argv[2], f"{label}.beatwire.json")
        if not os.path.exists(path):
            print(f"floors: {label}: no scores (no corpus for it here); skipped")
            continue
        with open(path, encoding="utf-8") as f:
            summary = json.load(f)
        for field, floor in sorted(fields.items()):
            if field not in FIELDS:
                raise SystemExit(f"floors: {label}: unknown field {field!r} in {sys.argv[1]}")
            value = figure(summary, FIELDS[field])
            ok = value is not None and value + EPSILON >= floor
            shown = "missing" if value is None else f"{value:.3f}"
            print(f"floors: {label} {field} {shown} (floor {floor:.3f}) {'ok' if ok else 'BELOW'}")
            if not ok:
                failed.append(f"{label} {field}")
    if failed:
        raise SystemExit(f"floors: below the recorded floor: {', '.join(failed)}")
    print("floors: every figure at or above its floor")


if __name__ == "__main__":
    main()
