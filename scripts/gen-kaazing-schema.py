#!/usr/bin/env python3
"""Prints src/formats/xml/kaazing_schema/tables.rs: the KAAZING gateway schemas as Rust data.

Reads gateway-config-{201606,201511,201409}.xsd from reference/kaazing/
(relative to the crate root, or the folder given as the first argument) and writes
the table to standard output:

    scripts/gen-kaazing-schema.py > src/formats/xml/kaazing_schema/tables.rs

(The module is `#[rustfmt::skip]`: the layout here, one particle per line, is kept.)

What the table holds (tests/kaazing_schema.rs re-derives the same facts from the
XSDs independently and compares):

* every complex type, named or anonymous (anonymous ones are named after where they
  sit: `gateway-config` for the root element's type, `<Type>/<element>` for an
  element's own type), with its content particle after resolving group references
  (inlined as a sequence carrying the reference's occurrence), `extension` (base
  content, then the extension's) and `restriction` (the restriction's own particle);
  a type whose particle has no children has empty content;
* every simple type an element uses, named the same way, with its effective
  whitespace rule and what restricts its text: an enumeration, one of the patterns
  clusterlint implements (recognised by a digest of the pattern, so a changed
  pattern stops the script), a list, a union or a built-in type.

Definitions that are identical in several namespaces are emitted once.
"""

import hashlib
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

XS = "http://www.w3.org/2001/XMLSchema"
VERSIONS = [
    ("V2016_06", "gateway-config-201606.xsd"),
    ("V2015_11", "gateway-config-201511.xsd"),
    ("V2014_09", "gateway-config-201409.xsd"),
]
BUILTINS = {
    # XSD built-in -> (table name, whitespace, kind)
    "string": ("xs:string", "Preserve", "SimpleKind::String"),
    "anyURI": ("xs:anyURI", "Collapse", "SimpleKind::AnyUri"),
    "nonNegativeInteger": ("xs:nonNegativeInteger", "Collapse", "SimpleKind::NonNegativeInteger"),
}
# sha256 of an XSD pattern (first 16 hex digits) -> the `Pattern` that implements it.
PATTERNS = {
    "24a676f3659ae291": "CommaList",  # CSVType: items without commas or blanks, single commas between
    "cf5603a604291230": "TimeInterval",  # TimeIntervalString: digits and dots, blanks, optional unit
    "3090a5e4f73f908d": "DataSize",  # DataSizeString: digits, optional k/K/m/M
    "537b5b1fbd0d9405": "DataRate",  # DataRateString: digits, optional B/s, kB/s, KiB/s, MB/s, MiB/s
    "f2e9289ab1ed9859": "CacheControl",  # CacheControlString: directives, optional =[m+]N[unit]
    "3402f915269b2942": "ClassName",  # CustomLoginModuleType/type: class:a.b.C
    "c5a3b08230c38f8b": "ExtensionName",  # ExtensionServiceType/type: something-extension
}


def q(tag):
    return "{%s}%s" % (XS, tag)


def digest(pattern):
    return hashlib.sha256(pattern.encode("utf-8")).hexdigest()[:16]


def fail(msg):
    sys.exit("gen-kaazing-schema: " + msg)


def occurs(node):
    lo = int(node.get("minOccurs", "1"))
    hi = node.get("maxOccurs", "1")
    return lo, (None if hi == "unbounded" else int(hi))


class Simple:
    def __init__(self, name, whitespace, kind):
        self.name = name
        self.whitespace = whitespace
        self.kind = kind  # ("builtin", rust) | ("enum", values) | ("pattern", variant) | ("list", Simple) | ("union", [Simple])


class Reader:
    """One XSD, resolved into complex types (particles) and simple types."""

    def __init__(self, path):
        self.root = ET.parse(path).getroot()
        if self.root.tag != q("schema"):
            fail("%s: not an XSD" % path)
        self.target = self.root.get("targetNamespace")
        self.named_complex = {n.get("name"): n for n in self.root.findall(q("complexType"))}
        self.named_simple = {n.get("name"): n for n in self.root.findall(q("simpleType"))}
        self.groups = {n.get("name"): n for n in self.root.findall(q("group"))}
        self.complex = {}  # name -> dict(abstract, base, content)
        self.simple = {}  # name -> Simple
        for child in self.root:
            if child.tag in (q("attribute"), q("attributeGroup")):
                fail("attribute declarations are not supported")
        globals_ = self.root.findall(q("element"))
        if len(globals_) != 1:
            fail("expected exactly one global element")
        self.root_element = globals_[0].get("name")
        self.root_type = self.element_type(globals_[0], owner="")
        for name in sorted(self.named_complex):
            self.complex_type(name)
        for name in sorted(self.named_simple):
            self.simple_type(name)

    # -- names ------------------------------------------------------------
    def local(self, qname):
        if qname.startswith("gateway:"):
            return ("gateway", qname[len("gateway:"):])
        if ":" in qname:
            fail("unexpected prefix in %s" % qname)
        return ("xs", qname)

    # -- simple types -----------------------------------------------------
    def simple_by_ref(self, qname):
        space, name = self.local(qname)
        if space == "xs":
            if name not in BUILTINS:
                fail("unsupported built-in type %s" % name)
            table, ws, kind = BUILTINS[name]
            if table not in self.simple:
                self.simple[table] = Simple(table, ws, ("builtin", kind))
            return self.simple[table]
        return self.simple_type(name)

    def simple_type(self, name):
        if name in self.simple:
            return self.simple[name]
        if name not in self.named_simple:
            return None
        return self.simple_from(self.named_simple[name], name)

    def simple_from(self, node, name):
        if name in self.simple:
            fail("duplicate simple type name %s" % name)
        restriction = node.find(q("restriction"))
        union = node.find(q("union"))
        lst = node.find(q("list"))
        if restriction is not None:
            base = self.simple_by_ref(restriction.get("base"))
            ws, kind = base.whitespace, base.kind
            values = [e.get("value") for e in restriction.findall(q("enumeration"))]
            patterns = [p.get("value") for p in restriction.findall(q("pattern"))]
            for w in restriction.findall(q("whiteSpace")):
                ws = w.get("value").capitalize()
            for child in restriction:
                if child.tag not in (q("enumeration"), q("pattern"), q("whiteSpace"), q("annotation")):
                    fail("%s: unsupported facet %s" % (name, child.tag))
            string_like = kind == ("builtin", "SimpleKind::String")
            if values:
                if not string_like or patterns:
                    fail("%s: enumeration over a non-string base" % name)
                kind = ("enum", values)
            if patterns:
                if len(patterns) != 1 or not string_like:
                    fail("%s: only one pattern over a string base is supported" % name)
                d = digest(patterns[0])
                if d not in PATTERNS:
                    fail("%s: pattern %s (digest %s) is not implemented" % (name, patterns[0], d))
                kind = ("pattern", PATTERNS[d])
            st = Simple(name, ws, kind)
        elif union is not None:
            members = [self.simple_by_ref(m) for m in union.get("memberTypes", "").split()]
            for i, sub in enumerate(union.findall(q("simpleType"))):
                members.append(self.simple_from(sub, "%s/%d" % (name, len(members) + 1)))
            st = Simple(name, "Preserve", ("union", members))
        elif lst is not None:
            st = Simple(name, "Collapse", ("list", self.simple_by_ref(lst.get("itemType"))))
        else:
            fail("%s: unsupported simple type" % name)
        self.simple[name] = st
        return st

    # -- complex types ----------------------------------------------------
    def complex_type(self, name):
        if name in self.complex:
            return self.complex[name]
        if name not in self.named_complex:
            return None
        return self.complex_from(self.named_complex[name], name)

    def complex_from(self, node, name):
        self.complex[name] = None  # guards recursion through bases
        abstract = node.get("abstract") == "true"
        if node.get("mixed") == "true":
            fail("%s: mixed content is not supported" % name)
        base = None
        cc = node.find(q("complexContent"))
        if node.find(q("simpleContent")) is not None:
            fail("%s: simple content is not supported" % name)
        if cc is not None:
            derivation = cc.find(q("restriction"))
            extension = cc.find(q("extension"))
            if derivation is None and extension is None:
                fail("%s: complexContent without restriction or extension" % name)
            deriv = derivation if derivation is not None else extension
            space, base_name = self.local(deriv.get("base"))
            own = self.model(deriv, name)
            if space == "xs":
                if base_name != "anyType":
                    fail("%s: unsupported base %s" % (name, base_name))
                base = None
            else:
                base = base_name
                if self.complex_type(base_name) is None and base_name not in self.complex:
                    fail("%s: unknown base %s" % (name, base_name))
            if extension is not None:
                inherited = self.complex[base_name]["content"] if base else None
                parts = [p for p in (inherited, own) if p is not None]
                own = parts[0] if len(parts) == 1 else (
                    None if not parts else {"min": 1, "max": 1, "term": ("sequence", parts)})
            content = own
        else:
            content = self.model(node, name)
        if content is not None and content["term"][0] in ("sequence", "choice", "all") \
                and not content["term"][1]:
            content = None
        self.complex[name] = {"name": name, "abstract": abstract, "base": base, "content": content}
        return self.complex[name]

    def model(self, node, owner):
        """The one particle directly under a complex type or derivation, or None."""
        found = None
        for child in node:
            if child.tag in (q("sequence"), q("choice"), q("all"), q("group")):
                if found is not None:
                    fail("%s: two particles" % owner)
                found = self.particle(child, owner)
            elif child.tag in (q("attribute"), q("attributeGroup"), q("anyAttribute")):
                fail("%s: attributes are not supported" % owner)
        return found

    def particle(self, node, owner):
        lo, hi = occurs(node)
        tag = node.tag
        if tag == q("element"):
            if node.get("ref"):
                fail("%s: element references are not supported" % owner)
            name = node.get("name")
            return {"min": lo, "max": hi, "term": ("element", {
                "name": name,
                "type": self.element_type(node, owner),
                "fixed": node.get("fixed"),
                "default": node.get("default"),
            })}
        if tag == q("any"):
            if node.get("namespace", "##any") != "##any" or node.get("processContents") != "lax":
                fail("%s: only lax wildcards in any namespace are supported" % owner)
            return {"min": lo, "max": hi, "term": ("any",)}
        if tag == q("group"):
            _, gname = self.local(node.get("ref"))
            inner = [c for c in self.groups[gname] if c.tag != q("annotation")]
            if len(inner) != 1 or inner[0].tag not in (q("sequence"), q("choice")):
                fail("group %s: expected one sequence or choice" % gname)
            body = self.particle(inner[0], owner)
            return {"min": lo, "max": hi, "term": body["term"]}
        kind = {q("sequence"): "sequence", q("choice"): "choice", q("all"): "all"}[tag]
        items = [self.particle(c, owner) for c in node if c.tag != q("annotation")]
        return {"min": lo, "max": hi, "term": (kind, items)}

    def element_type(self, node, owner):
        name = node.get("name")
        own = "%s/%s" % (owner, name) if owner else name
        if node.get("type"):
            space, local = self.local(node.get("type"))
            if space == "gateway" and local in self.named_complex:
                self.complex_type(local)
                return ("complex", local)
            return ("simple", self.simple_by_ref(node.get("type")))
        ct = node.find(q("complexType"))
        st = node.find(q("simpleType"))
        if ct is not None:
            if own in self.complex:
                fail("duplicate anonymous type %s" % own)
            self.complex_from(ct, own)
            return ("complex", own)
        if st is not None:
            if own in self.simple:
                fail("duplicate anonymous type %s" % own)
            return ("simple", self.simple_from(st, own))
        return ("any",)


# -- Rust output --------------------------------------------------------------

def ident(name):
    """A static's name for a type name: `ServiceType` -> `SERVICE_TYPE`."""
    base = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name.replace("xs:", "xs_"))
    base = re.sub(r"[^A-Za-z0-9]+", "_", base).strip("_").upper()
    return base


def rust_str(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def rust_opt_u32(v):
    return "None" if v is None else "Some(%d)" % v


class Emitter:
    def __init__(self):
        self.statics = {}  # text -> ident
        self.order = []  # (ident, text)
        self.used = set()
        self.untyped = False  # whether an element without a type appeared

    def define(self, name, kind, body, version):
        text = "static {id}: %s = %s;" % (kind, body)
        if text in self.statics:
            return self.statics[text]
        base = ident(name)
        if kind == "SimpleType":
            base = "ST_" + base
        else:
            base = "CT_" + base
        nid = base
        if nid in self.used:
            nid = "%s_%s" % (base, version[1:])
        if nid in self.used:
            fail("two definitions of %s in %s" % (name, version))
        self.used.add(nid)
        self.statics[text] = nid
        self.order.append((nid, text.replace("{id}", nid)))
        return nid

    def simple(self, st, version):
        kind = st.kind
        if kind[0] == "builtin":
            k = kind[1]
        elif kind[0] == "enum":
            k = "SimpleKind::Enumeration(&[%s])" % ", ".join(rust_str(v) for v in kind[1])
        elif kind[0] == "pattern":
            k = "SimpleKind::Pattern(Pattern::%s)" % kind[1]
        elif kind[0] == "list":
            k = "SimpleKind::List(&%s)" % self.simple(kind[1], version)
        else:
            k = "SimpleKind::Union(&[%s])" % ", ".join("&" + self.simple(m, version) for m in kind[1])
        body = "SimpleType {\n    name: %s,\n    whitespace: WhiteSpace::%s,\n    kind: %s,\n}" % (
            rust_str(st.name), st.whitespace, k)
        return self.define(st.name, "SimpleType", body, version)

    def particle(self, p, version, indent):
        """A particle's builder call; nested particles one per line, indented."""
        term = p["term"]
        occ = "%d, %s" % (p["min"], rust_opt_u32(p["max"]))
        if term[0] == "element":
            e = term[1]
            t = e["type"]
            if t[0] == "complex":
                ty = "complex(%s)" % rust_str(t[1])
            elif t[0] == "simple":
                ty = "simple(&%s)" % self.simple(t[1], version)
            else:
                ty = "ElementType::Any"
                self.untyped = True
            if e["fixed"] is None and e["default"] is None:
                return "element(%s, %s, %s)" % (rust_str(e["name"]), occ, ty)
            fixed = "Some(%s)" % rust_str(e["fixed"]) if e["fixed"] is not None else "None"
            default = "Some(%s)" % rust_str(e["default"]) if e["default"] is not None else "None"
            return "element_with(%s, %s, %s, %s, %s)" % (rust_str(e["name"]), occ, ty, fixed, default)
        if term[0] == "any":
            return "any(%s)" % occ
        pad = "    " * indent
        items = "".join("%s    %s,\n" % (pad, self.particle(c, version, indent + 1)) for c in term[1])
        return "%s(%s, &[\n%s%s])" % (term[0], occ, items, pad)

    def complex(self, ct, version):
        if ct["content"] is None:
            content = "Content::Empty"
        else:
            content = "Content::Elements(%s)" % self.particle(ct["content"], version, 1)
        base = "Some(%s)" % rust_str(ct["base"]) if ct["base"] else "None"
        body = "ComplexType {\n    name: %s,\n    is_abstract: %s,\n    base: %s,\n    content: %s,\n}" % (
            rust_str(ct["name"]), "true" if ct["abstract"] else "false", base, content)
        return self.define(ct["name"], "ComplexType", body, version)


def main():
    crate = Path(__file__).resolve().parent.parent
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else crate / "reference/kaazing"
    out = Emitter()
    schemas = []
    for version, file in VERSIONS:
        r = Reader(folder / file)
        if r.root_element != "gateway-config" or r.root_type != ("complex", "gateway-config"):
            fail("%s: unexpected root element" % file)
        complex_ids = [(n, out.complex(r.complex[n], version)) for n in sorted(r.complex)]
        simple_ids = [(n, out.simple(r.simple[n], version)) for n in sorted(r.simple)]
        schemas.append((version, r.target, complex_ids, simple_ids))

    print("//! The KAAZING gateway schemas as data.")
    print("//!")
    print("//! Generated by `scripts/gen-kaazing-schema.py` from")
    print("//! `reference/kaazing/gateway-config-{201606,201511,201409}.xsd`;")
    print("//! do not edit, run the script. `tests/kaazing_schema.rs` checks this table against")
    print("//! the XSDs.")
    print()
    print("use super::{ComplexType, Content, %sNamespace, Pattern, Schema, SimpleKind};"
          % ("ElementType, " if out.untyped else ""))
    print("use super::{SimpleType, WhiteSpace};")
    print("use super::{all, any, choice, complex, element, element_with, sequence, simple};")
    print()
    for _, text in out.order:
        print(text)
        print()
    for version, target, complex_ids, simple_ids in schemas:
        print("/// `%s`" % target)
        print("pub(super) static %s: Schema = Schema {" % version)
        print("    namespace: Namespace::%s," % version)
        print("    complex: &[")
        for _, i in complex_ids:
            print("        &%s," % i)
        print("    ],")
        print("    simple: &[")
        for _, i in simple_ids:
            print("        &%s," % i)
        print("    ],")
        print("};")
        print()


if __name__ == "__main__":
    main()
