#!/usr/bin/env python3
"""Writes tests/data/tls/oracle.json: what openssl says about each PEM file there.

Usage (from anywhere; paths are relative to the crate root):

    python3 scripts/tls_oracle.py [DIR]

DIR defaults to tests/data/tls. Every *.pem, *.crt and *.key file in DIR is
split into its PEM blocks, and each block is handed to the `openssl` command
(or $OPENSSL) on its own. Standard library only.

oracle.json holds no key material: for a private key it records the kind of
key and a digest of the matching public key, nothing else.

Layout (keys sorted, two-space indent):

    {
      "openssl_version": "OpenSSL 3.0.19 27 Jan 2026",    `openssl version`
      "ca_files": ["ca.crt", ...],   files holding exactly one block, a
                                     certificate with basicConstraints CA:TRUE
      "files": {"<file name>": [<block>, ...], ...}      blocks in file order
    }

Every block has
    label   str   the PEM label, e.g. "CERTIFICATE", "RSA PRIVATE KEY"
    kind    str   "certificate", "private_key" or "other"
    line    int   1-based line of its -----BEGIN line

A certificate block also has
    subject, issuer     str   `-nameopt RFC2253` (most specific RDN first;
                              `,` `+` `"` `\\` `<` `>` `;` escaped with a
                              backslash, bytes >= 0x80 as \\XX of the UTF-8)
    common_name         str|null  the subject CN, unescaped UTF-8
    serial              str   `-serial`: uppercase hex, no colons, an even
                              number of digits
    not_before, not_after  int  unix seconds (UTC)
    sha256_fingerprint  str   uppercase hex pairs joined by ':'
    dns_names           [str] subjectAltName DNS entries, in order
    ip_addresses        [str] subjectAltName IP entries, in order, in Python's
                              ipaddress form ("10.0.0.5", "fd00::5")
    is_ca               bool  basicConstraints CA:TRUE
    key_type            str   "RSA", "EC" or "ED25519"
    key_bits            int   RSA modulus / EC field size; 256 for Ed25519
    curve               str|null  "P-256", "P-384", "P-521" for EC, else null
    spki_sha256         str   lowercase hex SHA-256 of the DER
                              SubjectPublicKeyInfo
    signed_by           [str] the ca_files whose certificate verifies this one
                              (`openssl verify -no_check_time -partial_chain
                              -check_ss_sig -CAfile CA`), sorted

A private key block also has
    encrypted           bool
    key_type, key_bits, curve   as above; null when encrypted
    spki_sha256         str|null  of the public half; null when encrypted
"""

import calendar
import hashlib
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile

OPENSSL = os.environ.get("OPENSSL", "openssl")

PEM_BLOCK = re.compile(
    r"^-----BEGIN ([A-Z0-9 ]+)-----\r?\n.*?^-----END \1-----\r?$", re.M | re.S
)
MONTHS = {m: i for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
# openssl's `-startdate`/`-enddate`: "notBefore=Jan  1 00:00:00 2020 GMT"
# (the day padded with a space, not a zero).
OPENSSL_DATE = re.compile(
    r"^(?:notBefore|notAfter)=([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4}) GMT$")
KEY_OIDS = {"rsaEncryption": "RSA", "id-ecPublicKey": "EC", "ED25519": "ED25519"}
CURVE_OIDS = {"prime256v1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}


def openssl(*args, data=None, binary=False):
    """Runs openssl, feeding `data` on stdin; returns stdout (str unless binary)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    result = subprocess.run(
        [OPENSSL, *args],
        input=data,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"openssl {' '.join(args)} failed:\n{result.stderr.decode(errors='replace')}")
    return result.stdout if binary else result.stdout.decode("utf-8")


def one_line(output, prefix):
    line = output.strip()
    # The fingerprint label's case differs between openssl releases.
    if not line.lower().startswith(prefix.lower()):
        sys.exit(f"expected {prefix!r}, openssl printed {line!r}")
    return line[len(prefix):]


def unix_time(output):
    m = OPENSSL_DATE.match(output.strip())
    if not m:
        sys.exit(f"unexpected date from openssl: {output!r}")
    mon, day, hh, mm, ss, year = m.groups()
    return calendar.timegm((int(year), MONTHS[mon], int(day), int(hh), int(mm), int(ss)))


def public_key_info(public_pem):
    """key_type, key_bits, curve and spki_sha256 of a PUBLIC KEY PEM."""
    der = openssl("pkey", "-pubin", "-outform", "DER", data=public_pem, binary=True)
    objects = re.findall(r"prim: OBJECT\s+:(\S+)", openssl("asn1parse", "-inform", "DER", data=der))
    if not objects or objects[0] not in KEY_OIDS:
        sys.exit(f"unknown public key algorithm: {objects}")
    key_type = KEY_OIDS[objects[0]]
    text = openssl("pkey", "-pubin", "-noout", "-text", data=public_pem)
    if key_type == "ED25519":
        if not text.startswith("ED25519 Public-Key:"):
            sys.exit(f"unexpected Ed25519 text: {text[:80]!r}")
        bits = 256
    else:
        m = re.search(r"^Public-Key: \((\d+) bit\)$", text, re.M)
        if not m:
            sys.exit(f"no key size in: {text[:80]!r}")
        bits = int(m.group(1))
    curve = None
    if key_type == "EC":
        m = re.search(r"^NIST CURVE: (\S+)$", text, re.M)
        oid = re.search(r"^ASN1 OID: (\S+)$", text, re.M)
        curve = m.group(1) if m else CURVE_OIDS.get(oid.group(1) if oid else "")
        if oid and CURVE_OIDS.get(oid.group(1), curve) != curve:
            sys.exit(f"curve disagreement: {text!r}")
        if curve is None:
            sys.exit(f"unknown curve in: {text!r}")
    return {
        "key_type": key_type,
        "key_bits": bits,
        "curve": curve,
        "spki_sha256": hashlib.sha256(der).hexdigest(),
    }


def subject_alt_names(pem):
    """(dns_names, ip_addresses) from `-ext subjectAltName`.

    openssl prints a header line and then every name on one indented line,
    joined by ", ": "DNS:a, IP Address:10.0.0.5, email:x@y, URI:https://...".
    IPv6 addresses come out uncompressed and uppercase ("FD00:0:0:0:0:0:0:5").
    A certificate without the extension prints nothing at all.
    """
    out = openssl("x509", "-noout", "-ext", "subjectAltName", data=pem)
    lines = out.splitlines()
    if not lines:
        return [], []
    if lines[0].strip() != "X509v3 Subject Alternative Name:" or len(lines) != 2:
        sys.exit(f"unexpected subjectAltName output: {out!r}")
    dns, ips = [], []
    for entry in lines[1].strip().split(", "):
        kind, sep, value = entry.partition(":")
        if not sep:
            sys.exit(f"unexpected subjectAltName entry: {entry!r}")
        if kind == "DNS":
            dns.append(value)
        elif kind == "IP Address":
            ips.append(str(ipaddress.ip_address(value)))
    return dns, ips


def common_name(pem):
    out = openssl("x509", "-noout", "-subject", "-nameopt", "sep_multiline,utf8,sname", data=pem)
    names = [line.strip()[3:] for line in out.splitlines()[1:] if line.strip().startswith("CN=")]
    if len(names) > 1:
        sys.exit(f"more than one CN: {out!r}")
    return names[0] if names else None


def certificate(pem):
    def field(option, prefix):
        return one_line(openssl("x509", "-noout", *option, data=pem), prefix)

    info = {
        "subject": field(["-subject", "-nameopt", "RFC2253"], "subject="),
        "issuer": field(["-issuer", "-nameopt", "RFC2253"], "issuer="),
        "common_name": common_name(pem),
        "serial": field(["-serial"], "serial="),
        "not_before": unix_time(openssl("x509", "-noout", "-startdate", data=pem)),
        "not_after": unix_time(openssl("x509", "-noout", "-enddate", data=pem)),
        "sha256_fingerprint": field(["-fingerprint", "-sha256"], "sha256 Fingerprint="),
    }
    info["dns_names"], info["ip_addresses"] = subject_alt_names(pem)
    constraints = openssl("x509", "-noout", "-ext", "basicConstraints", data=pem)
    info["is_ca"] = "CA:TRUE" in constraints
    info.update(public_key_info(openssl("x509", "-noout", "-pubkey", data=pem)))
    return info


def private_key(label, pem):
    if label == "ENCRYPTED PRIVATE KEY" or "Proc-Type: 4,ENCRYPTED" in pem:
        return {"encrypted": True, "key_type": None, "key_bits": None,
                "curve": None, "spki_sha256": None}
    public = openssl("pkey", "-pubout", "-passin", "pass:", data=pem)
    return {"encrypted": False, **public_key_info(public)}


def blocks_of(text):
    for m in PEM_BLOCK.finditer(text):
        yield m.group(1), m.group(0) + "\n", text.count("\n", 0, m.start()) + 1


def verifies(ca_path, pem, scratch):
    with open(scratch, "w") as f:
        f.write(pem)
    result = subprocess.run(
        [OPENSSL, "verify", "-no_check_time", "-partial_chain", "-check_ss_sig",
         "-CAfile", ca_path, scratch],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return result.returncode == 0


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "tests", "data", "tls")
    names = sorted(n for n in os.listdir(directory)
                   if n.endswith((".pem", ".crt", ".key"))
                   and os.path.isfile(os.path.join(directory, n)))

    files, pems = {}, {}
    for name in names:
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            text = f.read()
        blocks = []
        for label, pem, line in blocks_of(text):
            block = {"label": label, "line": line}
            if label == "CERTIFICATE":
                block["kind"] = "certificate"
                block.update(certificate(pem))
                pems[(name, len(blocks))] = pem
            elif label.endswith("PRIVATE KEY"):
                block["kind"] = "private_key"
                block.update(private_key(label, pem))
            else:
                block["kind"] = "other"
            blocks.append(block)
        files[name] = blocks

    ca_files = [n for n, blocks in files.items()
                if len(blocks) == 1 and blocks[0]["kind"] == "certificate" and blocks[0]["is_ca"]]
    with tempfile.TemporaryDirectory() as tmp:
        scratch = os.path.join(tmp, "cert.pem")
        for (name, index), pem in pems.items():
            files[name][index]["signed_by"] = [
                ca for ca in ca_files if verifies(os.path.join(directory, ca), pem, scratch)]

    oracle = {
        "openssl_version": openssl("version").strip(),
        "ca_files": ca_files,
        "files": files,
    }
    out = os.path.join(directory, "oracle.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(oracle, f, indent=2, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {out}: {len(files)} files, {sum(map(len, files.values()))} blocks")


if __name__ == "__main__":
    main()
