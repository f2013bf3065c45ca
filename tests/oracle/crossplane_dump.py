"""Reads nginx files with crossplane for tests/oracle_nginx.rs.

Usage: python3 crossplane_dump.py FILE...

Prints one JSON object per line and file:
  file      the path given
  status    crossplane's status for the file alone ("ok" or "failed")
  errors    [{"line": N, "error": "..."}] for the file alone
  parsed    the statement tree of the file alone (no includes followed)
  includes  every file crossplane reads when it follows the includes
  context   the nginx context the file's top-level directives fit best,
            from crossplane's table of directives: "main", "events",
            "http", "http server", "http location", "http upstream",
            "stream", "stream server"
"""

import json
import sys

import crossplane
from crossplane import analyzer

CANDIDATES = [
    ((), "main"),
    (("http",), "http"),
    (("http", "server"), "http server"),
    (("http", "location"), "http location"),
    (("http", "upstream"), "http upstream"),
    (("stream",), "stream"),
    (("stream", "server"), "stream server"),
    (("events",), "events"),
]


def context_of(parsed):
    names = [s["directive"] for s in parsed if s["directive"] in analyzer.DIRECTIVES]
    best, best_fit = "main", -1
    for ctx, label in CANDIDATES:
        mask = analyzer.CONTEXTS[ctx]
        fit = sum(1 for n in names if any(m & mask for m in analyzer.DIRECTIVES[n]))
        if fit == len(names):
            return label
        if fit > best_fit:
            best, best_fit = label, fit
    return best


def main():
    for path in sys.argv[1:]:
        single = crossplane.parse(
            path, single=True, comments=False, strict=False,
            check_ctx=False, check_args=False, catch_errors=True,
        )
        first = single["config"][0] if single["config"] else {}
        parsed = first.get("parsed", [])
        try:
            full = crossplane.parse(
                path, comments=False, strict=False,
                check_ctx=False, check_args=False, catch_errors=True,
            )
            includes = [c["file"] for c in full["config"][1:]]
        except Exception:  # crossplane may fail on odd include trees
            includes = []
        print(json.dumps({
            "file": path,
            "status": first.get("status", "failed"),
            "errors": [
                {"line": e.get("line"), "error": e.get("error", "")}
                for e in first.get("errors", [])
            ],
            "parsed": parsed,
            "includes": includes,
            "context": context_of(parsed),
        }))


if __name__ == "__main__":
    main()
