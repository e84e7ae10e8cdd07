"""The Python side of bench/compare.sh: runs the peer tools and prints the table.

  compare.py extract TOOL PAGES_DIR PRED_DIR SPEED_JSON   one tool over one page set
  compare.py feeds LIST_FILE SPEED_JSON                   feedparser over the feed documents
  compare.py table WORK_DIR                               the table, from what the runs left

Timing: CPU seconds of this process (time.process_time) around the loop only: interpreter
start, imports and one warm-up call are excluded, as beatwire's process start is excluded by
compare.sh. Every page is read into memory before the clock starts.
"""

import gzip
import json
import os
import sys
import time


def load_pages(pages_dir):
    """(id, bytes) of every page, decompressed, sorted by id."""
    out = []
    for name in sorted(os.listdir(pages_dir)):
        path = os.path.join(pages_dir, name)
        if name.endswith(".html.gz"):
            with gzip.open(path, "rb") as f:
                out.append((name[: -len(".html.gz")], f.read()))
        elif name.endswith(".html"):
            with open(path, "rb") as f:
                out.append((name[: -len(".html")], f.read()))
    return out


def decoder():
    """Bytes to text for the tools that take text: trafilatura's detection when installed."""
    try:
        from trafilatura.utils import decode_file

        return decode_file
    except ImportError:
        return lambda data: data.decode("utf-8", "replace")


def extractor(tool):
    """A function page bytes -> prediction dict with score.py's keys."""
    if tool == "trafilatura":
        import trafilatura

        def run(data):
            out = trafilatura.extract(data, output_format="json", with_metadata=True)
            doc = json.loads(out) if out else {}
            return {
                "title": doc.get("title"),
                "author": doc.get("author"),
                "publish_time": doc.get("date"),
                "body": doc.get("raw_text") or doc.get("text"),
            }

        return run
    if tool == "readability-lxml":
        import lxml.html
        from readability import Document

        def run(data):
            doc = Document(data)
            summary = doc.summary(html_partial=True)
            return {
                # short_title(): the title without the site name, readability's best guess.
                "title": doc.short_title(),
                "author": None,
                "publish_time": None,
                "body": lxml.html.fromstring(summary).text_content() if summary else "",
            }

        return run
    if tool == "gne":
        from gne import GeneralNewsExtractor

        decode = decoder()
        gne = GeneralNewsExtractor()

        def run(data):
            doc = gne.extract(decode(data))
            return {
                "title": doc.get("title"),
                "author": doc.get("author"),
                "publish_time": doc.get("publish_time"),
                "body": doc.get("content"),
            }

        return run
    raise SystemExit(f"unknown tool {tool}")


def extract(tool, pages_dir, pred_dir, speed_json):
    pages = load_pages(pages_dir)
    run = extractor(tool)
    os.makedirs(pred_dir, exist_ok=True)
    try:
        run(pages[0][1])  # warm-up: lazy imports and caches, not timed
    except Exception:
        pass
    results = []
    start = time.process_time()
    for page_id, data in pages:
        try:
            results.append((page_id, run(data)))
        except Exception as e:  # a failing page is scored as such
            results.append((page_id, {"error": f"{type(e).__name__}: {e}"}))
    cpu = time.process_time() - start
    for page_id, pred in results:
        with open(os.path.join(pred_dir, page_id + ".json"), "w", encoding="utf-8") as f:
            json.dump(pred, f, ensure_ascii=False)
    with open(speed_json, "w") as f:
        json.dump({"items": len(pages), "cpu": cpu}, f)


def feeds(list_file, speed_json):
    import feedparser

    with open(list_file, encoding="utf-8") as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    docs = []
    for path in paths:
        with open(path, "rb") as f:
            docs.append(f.read())
    feedparser.parse(docs[0])  # warm-up, not timed
    results = []
    start = time.process_time()
    for data in docs:
        try:
            results.append(feedparser.parse(data))
        except Exception:
            results.append(None)
    cpu = time.process_time() - start
    with open(speed_json, "w") as f:
        json.dump(
            {
                "items": len(docs),
                "cpu": cpu,
                # Read as a feed at all (feedparser names its format), with or without bozo.
                "recognised": sum(1 for r in results if r is not None and r.version),
                # Read with no error flagged (bozo false).
                "clean": sum(1 for r in results if r is not None and not r.bozo),
            },
            f,
        )


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def rate(score, key, field):
    try:
        return score["all"][key][field]["rate"]
    except (KeyError, TypeError):
        return None


def cell(x, digits=3):
    return "-" if x is None else f"{x:.{digits}f}"


def ratio(a, b):
    return "-" if a is None or not b else f"{a / b:.1f}x"


def table(work):
    tools = ["beatwire", "trafilatura", "readability-lxml", "gne"]
    print("## Extraction (generic rules, no per-site config; quality by the corpus's score.py)")
    print()
    print("| set | tool | body F1 | title | time (minute) | date (day) | author | pages/s | beatwire / tool (speed) | beatwire / tool (body F1) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for set_name in [
        "extraction-zh",
        "extraction-en",
        "extraction-multi-readability",
        "extraction-multi-fundus",
    ]:
        rows = {}
        for tool in tools:
            score = read_json(os.path.join(work, "score", f"{set_name}.{tool}.json"))
            speed = read_json(os.path.join(work, "speed", f"{set_name}.{tool}.json"))
            if score is None or speed is None:
                continue
            per_s = speed["items"] / speed["cpu"] if speed["cpu"] > 0 else None
            body = score["all"].get("body", {}).get("f1")
            rows[tool] = (score, per_s, body)
        if not rows:
            print(f"| {set_name} | (skipped: no corpus or no tool ran) | | | | | | | | |")
            continue
        bw = rows.get("beatwire")
        for tool, (score, per_s, body) in rows.items():
            vs_speed = "" if tool == "beatwire" or bw is None else ratio(bw[1], per_s)
            vs_body = "" if tool == "beatwire" or bw is None else ratio(bw[2], body)
            if vs_body.endswith("x"):
                vs_body = f"{bw[2] / body:.2f}x"
            print(
                f"| {set_name} | {tool} | {cell(body)} | {cell(rate(score, 'title', 'title_exact'))}"
                f" | {cell(rate(score, 'publish_time', 'time_match'))}"
                f" | {cell(rate(score, 'publish_time', 'date_match'))}"
                f" | {cell(rate(score, 'author', 'author_exact'))}"
                f" | {cell(per_s, 1)} | {vs_speed} | {vs_body} |"
            )
    print()
    print("## Feed parsing (feeds/: real and deliberately broken RSS, Atom, JSON Feed)")
    print()
    bw = read_json(os.path.join(work, "speed", "feeds.beatwire.json"))
    fp = read_json(os.path.join(work, "speed", "feeds.feedparser.json"))
    print("| tool | documents | docs/s | read without error | beatwire / tool (speed) | beatwire / tool (share) |")
    print("|---|---|---|---|---|---|")
    bw_rate = bw["items"] / bw["cpu"] if bw and bw["cpu"] > 0 else None
    bw_share = bw["ok"] / bw["documents"] if bw else None
    if bw:
        print(
            f"| beatwire | {bw['documents']} | {cell(bw_rate, 0)} | {cell(bw_share)}"
            f" ({bw['ok']}; {bw['lenient']} of them repaired) | | |"
        )
    if fp:
        fp_rate = fp["items"] / fp["cpu"] if fp["cpu"] > 0 else None
        for label, key in [("recognised a feed", "recognised"), ("no bozo flag", "clean")]:
            share = fp[key] / fp["items"]
            print(
                f"| feedparser ({label}) | {fp['items']} | {cell(fp_rate, 0)} | {cell(share)} ({fp[key]})"
                f" | {ratio(bw_rate, fp_rate)} | {'-' if bw_share is None else f'{bw_share / share:.3f}x'} |"
            )
    if not bw and not fp:
        print("| (skipped: no feeds corpus) | | | | | |")
    print()
    print("Targets: beatwire >= 20x feedparser's documents per second, and a share at least")
    print("feedparser's (its generous count: any document it recognised as a feed).")


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "extract" and len(sys.argv) == 6:
        extract(*sys.argv[2:6])
    elif cmd == "feeds" and len(sys.argv) == 4:
        feeds(*sys.argv[2:4])
    elif cmd == "table" and len(sys.argv) == 3:
        table(sys.argv[2])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
