#!/usr/bin/env python3
"""Reference reading of an LDIF file (RFC 2849), for checking clusterlint's own.

Usage:

    python3 scripts/ldif_oracle.py [--engine auto|ldif3|stdlib] [--check]
                                   [--features] FILE

Prints JSON to standard output: the records of FILE in file order, each

    {
      "dn":   str     the DN as written (a `dn::` DN decoded from base64)
      "line": int     1-based line of the record's `dn:` line
      "attributes": {name: [value, ...], ...}
    }

`name` is the attribute description as written, lowercased, options kept
(`userCertificate;binary` -> `usercertificate;binary`); names that differ
only in case are one key. Keys come in the order of their first line, values
in file order. A value is a str: plain values with the spaces after the
colon removed; `::` values base64-decoded as UTF-8, or `"base64:<b64>"` when
the bytes are not UTF-8 (<b64> is the bytes re-encoded, standard alphabet,
padded, unfolded); `:<` values are not fetched but given as `"url:<url>"`.

Engines. `ldif3` (PyPI) does the reading when it can be imported (`auto`);
the `stdlib` engine is this file's own reader and needs nothing else. The
line numbers always come from this file's scan of the raw lines (ldif3 has
none); the run fails (exit 1) if the scan and the engine do not find the
same number of records. `--check` reads with both engines and fails on any
difference, listed on standard error. `--features` prints, instead of the
records, what LDIF features the file uses (see `features()`).

Reading rules shared by both engines (those of ldif3 and RFC 2849):
- lines end at LF, a CR before it is dropped;
- a line starting with one space continues the previous line (the space is
  dropped); folding is undone before anything else, so a folded comment is
  one comment;
- a line starting with `#` (after unfolding) is a comment, wherever it is;
- an empty line ends a record; a line of spaces is a continuation, not an
  empty line;
- `version:` before the first `dn:` of a record is skipped, and a record
  holding nothing else is no record;
- in a change record, `changetype`, `add`, `delete`, `replace` and the other
  control lines are kept as attributes, and `-` lines are dropped.

Known differences from OpenDJ's own reader, flagged by `--features`: OpenDJ
also takes a TAB as the start of a continuation line, and keeps trailing
spaces of a plain value, which ldif3 strips (the stdlib engine keeps them,
so `--check` reports such a value). ldif3 3.2.2 calls base64.decodestring,
gone since Python 3.9; it is put back here as base64.decodebytes.
"""

import argparse
import base64
import binascii
import json
import re
import sys

# --------------------------------------------------------------------------
# Scan of the raw lines: logical lines with the physical line they start on.


def physical_lines(data):
    """The file's lines without their line ending, as bytes."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the text after the last newline
    return [l[:-1] if l.endswith(b"\r") else l for l in lines]


def logical_lines(data):
    """(first physical line number, unfolded bytes, number of folds)."""
    out = []
    for number, line in enumerate(physical_lines(data), start=1):
        if line.startswith(b" ") and out:
            start, text, folds = out[-1]
            out[-1] = (start, text + line[1:], folds + 1)
        else:
            out.append((number, line, 0))
    return out


def scan(data):
    """Records as lists of (line number, unfolded bytes), comments dropped.

    Comment-only stretches between empty lines are no record; a record that
    holds only a `version:` line is dropped too.
    """
    records, current = [], []
    for number, text, _ in logical_lines(data):
        if text == b"":
            if current:
                records.append(current)
            current = []
        elif text.startswith(b"#"):
            continue
        else:
            current.append((number, text))
    if current:
        records.append(current)
    return [r for r in records if not _only_version(r)]


def _only_version(record):
    return all(_attr_name(text).lower() == "version" for _, text in record)


def _attr_name(text):
    colon = text.find(b":")
    return text[:colon].decode("ascii", "replace") if colon > 0 else ""


def dn_line(record):
    """Line number of the record's `dn:` line (of its first line if none)."""
    for number, text in record:
        if _attr_name(text).lower() == "dn":
            return number
    return record[0][0]


# --------------------------------------------------------------------------
# Values.


def as_text(value):
    """A decoded value as the JSON string described in the module doc."""
    if isinstance(value, str):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(value).decode("ascii")


def add_value(attributes, name, value):
    attributes.setdefault(name.lower(), []).append(as_text(value))


# --------------------------------------------------------------------------
# The standard-library engine.


def split_attr(text):
    """(name, value) of one unfolded line; value is str or bytes."""
    colon = text.find(b":")
    if colon <= 0:
        raise ValueError("no attribute name before a colon: %r" % text[:60])
    name = text[:colon].decode("ascii")
    rest = text[colon + 1:]
    if rest.startswith(b":"):
        encoded = rest[1:].strip(b" ")
        try:
            return name, base64.b64decode(encoded, validate=True)
        except binascii.Error as err:
            raise ValueError("bad base64 for %s: %s" % (name, err))
    if rest.startswith(b"<"):
        return name, "url:" + rest[1:].strip(b" ").decode("utf-8", "replace")
    return name, rest.lstrip(b" ")


def read_stdlib(data):
    entries = []
    for record in scan(data):
        dn, attributes = None, {}
        for number, text in record:
            if text == b"-":
                continue
            try:
                name, value = split_attr(text)
            except (ValueError, UnicodeDecodeError) as err:
                raise ValueError("line %d: %s" % (number, err))
            if name.lower() == "dn":
                if dn is not None:
                    raise ValueError("line %d: a second dn: in one record" % number)
                dn = as_text(value)
            elif name.lower() == "version" and dn is None:
                continue
            elif dn is None:
                raise ValueError("line %d: record does not start with dn:" % number)
            else:
                add_value(attributes, name, value)
        entries.append({"dn": dn, "attributes": attributes})
    return entries


# --------------------------------------------------------------------------
# The ldif3 engine.


def read_ldif3(path):
    import ldif3

    if not hasattr(ldif3.base64, "decodestring"):
        ldif3.base64.decodestring = base64.decodebytes

    class Parser(ldif3.LDIFParser):
        def _parse_attr(self, line):
            if line == b"-":
                return "-", None  # ends one modification; carries nothing
            colon = line.find(b":")
            if colon > 0 and line[colon:colon + 2] == b":<":
                url = line[colon + 2:].strip().decode("utf-8", "replace")
                return line[:colon].decode("ascii"), "url:" + url
            return super()._parse_attr(line)

    entries = []
    with open(path, "rb") as f:
        for dn, record in Parser(f, strict=True).parse():
            if dn is None and not record:
                continue  # a record holding only `version: 1`
            attributes = {}
            for name, values in record.items():
                for value in values:
                    add_value(attributes, name, value)
            entries.append({"dn": dn, "attributes": attributes})
    return entries


def ldif3_available():
    try:
        import ldif3  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------
# Features.


def normal_dn(dn):
    """A rough normal form: RDNs split on unescaped commas, spaces around
    `=` and `,` dropped, lowercased (every RDN attribute of cn=config has a
    case-ignoring syntax)."""
    parts = []
    for rdn in re.split(r"(?<!\\),", dn):
        name, _, value = rdn.partition("=")
        parts.append(name.strip().lower() + "=" + value.strip().lower())
    return ",".join(parts)


def value_kind(text):
    """"base64", "url" or "plain" for an attribute line; None otherwise."""
    if text.startswith(b"#"):
        return None
    colon = text.find(b":")
    if colon <= 0:
        return None
    follower = text[colon + 1:colon + 2]
    return {b":": "base64", b"<": "url"}.get(follower, "plain")


def features(data, entries):
    """What the file uses; every list holds 1-based line numbers."""
    lines = physical_lines(data)
    logical = logical_lines(data)
    raw = data.split(b"\n")
    in_record = False
    comments_inside = []
    for number, text, _ in logical:
        if text == b"":
            in_record = False
        elif text.startswith(b"#"):
            if in_record:
                comments_inside.append(number)
        else:
            in_record = True
    records = scan(data)
    change_types = {}
    for record in records:
        for number, text in record:
            if _attr_name(text).lower() == "changetype":
                kind = text.split(b":", 1)[1].strip().decode("ascii", "replace")
                change_types.setdefault(kind, []).append(number)
    seen, duplicates = {}, []
    for entry, record in zip(entries, records):
        key = normal_dn(entry["dn"] or "")
        line = dn_line(record)
        if key in seen:
            duplicates.append({"dn": entry["dn"], "line": line, "first": seen[key]})
        else:
            seen[key] = line
    mixed_case = []
    for record in records:
        names = {}
        for number, text in record:
            name = _attr_name(text)
            names.setdefault(name.lower(), set()).add(name)
        for spellings in names.values():
            if len(spellings) > 1:
                mixed_case.append({"line": dn_line(record), "spellings": sorted(spellings)})
    out = {
        "lines": len(lines),
        "records": len(records),
        "version_line": [n for n, t, _ in logical if _attr_name(t).lower() == "version"],
        "folded_lines": [n for n, _, folds in logical if folds],
        "base64_values": [n for n, t, _ in logical if value_kind(t) == "base64"],
        "url_values": [n for n, t, _ in logical if value_kind(t) == "url"],
        "comment_lines": [n for n, t, _ in logical if t.startswith(b"#")],
        "comment_lines_inside_records": comments_inside,
        "change_records": change_types,
        "dash_lines": [n for n, t, _ in logical if t == b"-"],
        "crlf_line_ends": sum(1 for l in raw if l.endswith(b"\r")),
        "cr_inside_lines": sum(l.count(b"\r") for l in lines),
        "tab_started_lines": [n for n, l in enumerate(lines, 1) if l.startswith(b"\t")],
        "space_only_lines": [n for n, l in enumerate(lines, 1) if l and not l.strip(b" ")],
        "plain_values_with_trailing_space": [
            n for n, t, _ in logical if value_kind(t) == "plain" and t.endswith((b" ", b"\t"))],
        "non_ascii_lines": [n for n, l in enumerate(lines, 1) if any(b > 0x7F for b in l)],
        "utf8_bom": data.startswith(b"\xef\xbb\xbf"),
        "missing_final_newline": bool(data) and not data.endswith(b"\n"),
        "duplicate_dns": duplicates,
        "attribute_names_in_several_cases": mixed_case,
    }
    return out


# --------------------------------------------------------------------------


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--engine", choices=("auto", "ldif3", "stdlib"), default="auto")
    parser.add_argument("--check", action="store_true",
                        help="read with both engines and fail on any difference")
    parser.add_argument("--features", action="store_true",
                        help="print the LDIF features the file uses, not the records")
    args = parser.parse_args(argv)

    with open(args.file, "rb") as f:
        data = f.read()
    records = scan(data)

    engine = args.engine
    if engine == "auto":
        engine = "ldif3" if ldif3_available() else "stdlib"
    if args.check and not ldif3_available():
        print("--check needs ldif3", file=sys.stderr)
        return 2
    try:
        entries = read_ldif3(args.file) if engine == "ldif3" else read_stdlib(data)
    except (ValueError, UnicodeDecodeError) as err:
        print("%s: %s engine: %s" % (args.file, engine, err), file=sys.stderr)
        if args.features:
            result = features(data, [])
            result["engine"] = engine
            result["engine_error"] = str(err)
            json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
            sys.stdout.write("\n")
        return 2

    status = 0
    if len(entries) != len(records):
        print("%s: the line scan finds %d records, %s %d"
              % (args.file, len(records), engine, len(entries)), file=sys.stderr)
        status = 1
    for entry, record in zip(entries, records):
        entry["line"] = dn_line(record)
    entries = [{"dn": e["dn"], "line": e.get("line"), "attributes": e["attributes"]}
               for e in entries]

    if args.check:
        other = read_stdlib(data) if engine == "ldif3" else read_ldif3(args.file)
        for i, (a, b) in enumerate(zip(entries, other)):
            if a["dn"] != b["dn"] or a["attributes"] != b["attributes"]:
                status = 1
                print("%s:%s: the engines differ on %r" % (args.file, a["line"], a["dn"]),
                      file=sys.stderr)
                for name in sorted(set(a["attributes"]) | set(b["attributes"])):
                    va, vb = a["attributes"].get(name), b["attributes"].get(name)
                    if va != vb:
                        print("    %s: %r / %r" % (name, va, vb), file=sys.stderr)
        if len(other) != len(entries):
            status = 1
            print("%s: %d records against %d" % (args.file, len(entries), len(other)),
                  file=sys.stderr)

    if args.features:
        result = features(data, entries)
        result["engine"] = engine
    else:
        result = entries
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
