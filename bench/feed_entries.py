"""The Python side of bench/feed_entries.sh: feedparser's entry count for each feed document,
beside beatwire's from `beatwire parse --json`, as a table per suite and a list of the
documents where beatwire reads fewer entries.

  feed_entries.py FEEDS_DIR LIST_FILE BEATWIRE_JSONL

A document's suite is its first folder under FEEDS_DIR (feedparser, feed-rs, rss-crate,
miniflux). Set BEATWIRE_ENTRIES_MORE=1 to list the documents where beatwire reads more too.
"""

import json
import os
import sys
import warnings

SUITES = ["feedparser", "feed-rs", "rss-crate", "miniflux"]


def beatwire_counts(jsonl):
    """file -> entries, from one JSON object per line (a line with `error` counts 0)."""
    counts = {}
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            doc = json.loads(line)
            counts[doc["file"]] = len(doc.get("items") or [])
    return counts


def feedparser_count(path):
    import feedparser

    with open(path, "rb") as f:
        data = f.read()
    try:
        return len(feedparser.parse(data).entries)
    except Exception:  # a crash reads nothing
        return 0


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    feeds, list_file, jsonl = sys.argv[1:4]
    warnings.simplefilter("ignore")
    with open(list_file, encoding="utf-8") as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    ours = beatwire_counts(jsonl)
    rows = []  # (suite, relative path, beatwire, feedparser)
    for path in paths:
        rel = os.path.relpath(path, feeds)
        suite = rel.split(os.sep, 1)[0]
        rows.append((suite, rel, ours.get(path, 0), feedparser_count(path)))

    print("| suite | documents | beatwire entries | feedparser entries | beatwire / feedparser"
          " | documents beatwire reads fewer of | documents beatwire reads more of |")
    print("|---|---|---|---|---|---|---|")
    suites = SUITES + sorted({r[0] for r in rows} - set(SUITES))
    total = [0, 0, 0, 0, 0]
    for suite in suites:
        mine = [r for r in rows if r[0] == suite]
        if not mine:
            continue
        figures = [
            len(mine),
            sum(r[2] for r in mine),
            sum(r[3] for r in mine),
            sum(1 for r in mine if r[2] < r[3]),
            sum(1 for r in mine if r[2] > r[3]),
        ]
        total = [a + b for a, b in zip(total, figures)]
        print(row(suite, figures))
    print(row("**all**", total))

    fewer = [r for r in rows if r[2] < r[3]]
    print()
    print(f"Documents where beatwire reads fewer entries than feedparser: {len(fewer)}")
    for suite, rel, bw, fp in fewer:
        print(f"  {rel}: beatwire {bw}, feedparser {fp}")
    if os.environ.get("BEATWIRE_ENTRIES_MORE"):
        more = [r for r in rows if r[2] > r[3]]
        print()
        print(f"Documents where beatwire reads more entries than feedparser: {len(more)}")
        for suite, rel, bw, fp in more:
            print(f"  {rel}: beatwire {bw}, feedparser {fp}")


def row(name, figures):
    documents, bw, fp, fewer, more = figures
    ratio = f"{bw / fp:.3f}" if fp else "-"
    return f"| {name} | {documents} | {bw} | {fp} | {ratio} | {fewer} | {more} |"


if __name__ == "__main__":
    main()
