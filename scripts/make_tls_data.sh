#!/usr/bin/env bash
# Regenerates tests/data/tls/: throwaway PEM keys and certificates made with
# the system openssl, for the tests that read the `cert`/`key` files named in
# stunnel, Redis and nginx configurations. Every run makes fresh keys, serial
# numbers and dates, so rerun scripts/tls_oracle.py afterwards to refresh
# oracle.json:
#
#     scripts/make_tls_data.sh && python3 scripts/tls_oracle.py
#
# Nothing made here protects anything; the keys are published on purpose.
# Needs openssl 3.x (set OPENSSL to use another binary).
set -euo pipefail
cd "$(dirname "$0")/.."

openssl=${OPENSSL:-openssl}
out=tests/data/tls
# Only rsa2048-encrypted.key uses it. Deliberately not written anywhere else.
passphrase="clusterlint-test-passphrase"
san="DNS:gluu.example.org,DNS:*.example.org,IP:10.0.0.5"
# One certificate carries the name kinds a SAN parser has to step over.
san_wide="$san,IP:fd00::5,email:admin@example.org,URI:https://gluu.example.org/"
days=7300

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$out"
rm -f "$out"/*.pem "$out"/*.crt "$out"/*.key

# One configuration for `req`, `x509 -req` and `ca`, so that the extensions
# do not depend on the system openssl.cnf.
mkdir -p "$tmp/db"
: > "$tmp/db/index.txt"
echo 1000 > "$tmp/db/serial"
cat > "$tmp/openssl.cnf" <<EOF
[ca]
default_ca = scratch_ca

[scratch_ca]
dir = $tmp/db
database = \$dir/index.txt
new_certs_dir = \$dir
serial = \$dir/serial
default_md = sha256
policy = any_name
unique_subject = no
email_in_dn = no

[any_name]
commonName = supplied

[req]
distinguished_name = empty_dn
string_mask = utf8only
utf8 = yes

[empty_dn]

[ca_cert]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

# Like ca_cert without the key identifiers, so that nothing but the key and
# the signature separates impostor-ca.crt from ca.crt.
[ca_cert_no_keyid]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = none
authorityKeyIdentifier = none

[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[leaf_default_san]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $san

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:redis.example.org
EOF
cnf=$tmp/openssl.cnf

# Runs a command with its progress chatter hidden, unless it fails.
quiet() {
    "$@" 2>"$tmp/stderr" || { cat "$tmp/stderr" >&2; return 1; }
}

selfsigned() { # cert-file key-file subject san-or-empty
    local cert=$1 key=$2 subject=$3 san_value=$4
    # Ed25519 signs without a separate digest; `req` refuses one.
    local md=(-sha256)
    case $key in *ed25519*) md=() ;; esac
    local extra=()
    if [ -n "$san_value" ]; then
        extra=(-addext "subjectAltName=$san_value")
    fi
    "$openssl" req -x509 -new -config "$cnf" -extensions leaf -utf8 \
        -key "$key" "${md[@]}" -days "$days" -subj "$subject" "${extra[@]}" -out "$cert"
}

# --- keys -------------------------------------------------------------------
# PKCS#8 ("BEGIN PRIVATE KEY") is what `genpkey` writes.
quiet "$openssl" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$out/rsa1024.key"
quiet "$openssl" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/rsa2048.key"
quiet "$openssl" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$out/rsa4096.key"
"$openssl" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/ec-p256.key"
"$openssl" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$out/ec-p384.key"
"$openssl" genpkey -algorithm ED25519 -out "$out/ed25519.key"
quiet "$openssl" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/ca.key"
"$openssl" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/other-ca.key"
quiet "$openssl" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/impostor-ca.key"
quiet "$openssl" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/server.key"

# The same keys in their older encodings: PKCS#1 ("BEGIN RSA PRIVATE KEY")
# and SEC1 ("BEGIN EC PRIVATE KEY", without an "EC PARAMETERS" block).
quiet "$openssl" rsa -in "$out/rsa2048.key" -traditional -out "$out/rsa2048-pkcs1.key"
quiet "$openssl" ec -in "$out/ec-p256.key" -out "$out/ec-p256-sec1.key"
quiet "$openssl" ec -in "$out/ec-p384.key" -out "$out/ec-p384-sec1.key"

# rsa2048.key again, as encrypted PKCS#8 (PBES2, AES-256-CBC).
"$openssl" pkcs8 -topk8 -v2 aes-256-cbc -in "$out/rsa2048.key" \
    -passout "pass:$passphrase" -out "$out/rsa2048-encrypted.key"

# --- self-signed certificates, one for each key type -------------------------
for name in rsa1024 rsa2048 rsa4096 ec-p256 ed25519; do
    selfsigned "$out/$name.crt" "$out/$name.key" "/O=Clusterlint Test/OU=$name/CN=gluu.example.org" "$san"
done
selfsigned "$out/ec-p384.crt" "$out/ec-p384.key" "/O=Clusterlint Test/OU=ec-p384/CN=gluu.example.org" "$san_wide"
selfsigned "$out/no-san.crt" "$out/rsa2048.key" "/O=Clusterlint Test/OU=no-san/CN=nosan.example.org" ""

# --- certificate authorities, and a server certificate from the first ---------
# ca.crt issues server.crt and expired.crt. other-ca.crt is unrelated.
# impostor-ca.crt has exactly ca.crt's subject but its own key, and no key
# identifiers, so only a signature check (not comparing names) tells it
# apart from the real issuer.
# The organisation names hold a comma and a non-ASCII letter, which the
# RFC 2253 form escapes.
ca_subject="/C=US/O=Example, Inc./CN=Clusterlint Test CA"
"$openssl" req -x509 -new -config "$cnf" -extensions ca_cert -utf8 -sha256 \
    -key "$out/ca.key" -days "$days" -subj "$ca_subject" -out "$out/ca.crt"
"$openssl" req -x509 -new -config "$cnf" -extensions ca_cert_no_keyid -utf8 -sha256 \
    -key "$out/impostor-ca.key" -days "$days" -subj "$ca_subject" -out "$out/impostor-ca.crt"
"$openssl" req -x509 -new -config "$cnf" -extensions ca_cert -utf8 -sha256 \
    -key "$out/other-ca.key" -days "$days" -subj "/O=Exämple Other/CN=Clusterlint Other CA" \
    -out "$out/other-ca.crt"

"$openssl" req -new -config "$cnf" -utf8 -key "$out/server.key" -sha256 \
    -subj "/O=Clusterlint Test/CN=redis.example.org" -out "$tmp/server.csr"
quiet "$openssl" x509 -req -in "$tmp/server.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
    -CAserial "$tmp/ca.srl" -CAcreateserial -days "$days" -sha256 \
    -extfile "$cnf" -extensions server -out "$out/server.crt"

# --- certificates outside their validity period ------------------------------
# openssl 3.0 has no -not_before/-not_after for `x509`, so these go through
# `ca`, which takes explicit dates.
# expired.crt: rsa2048.key, issued by ca.crt, 2020-01-01 to 2021-01-01.
"$openssl" req -new -config "$cnf" -utf8 -key "$out/rsa2048.key" -sha256 \
    -subj "/O=Clusterlint Test/OU=expired/CN=gluu.example.org" -out "$tmp/expired.csr"
quiet "$openssl" ca -batch -config "$cnf" -notext -preserveDN -extensions leaf_default_san \
    -cert "$out/ca.crt" -keyfile "$out/ca.key" \
    -startdate 20200101000000Z -enddate 20210101000000Z \
    -in "$tmp/expired.csr" -out "$out/expired.crt"
# not-yet-valid.crt: ec-p256.key, self-signed, 2099-01-01 to 2109-01-01 (years
# past 2049 are encoded as GeneralizedTime).
"$openssl" req -new -config "$cnf" -utf8 -key "$out/ec-p256.key" -sha256 \
    -subj "/O=Clusterlint Test/OU=not-yet-valid/CN=gluu.example.org" -out "$tmp/future.csr"
quiet "$openssl" ca -batch -config "$cnf" -notext -preserveDN -extensions leaf_default_san \
    -selfsign -keyfile "$out/ec-p256.key" \
    -startdate 20990101000000Z -enddate 21090101000000Z \
    -in "$tmp/future.csr" -out "$out/not-yet-valid.crt"

# --- files with more than one block -----------------------------------------
# stunnel's `cert =` file may hold the key too.
cat "$out/server.crt" "$out/server.key" > "$out/stunnel.pem"
# The same certificate with a key of the same kind that is not its own.
cat "$out/server.crt" "$out/rsa2048.key" > "$out/stunnel-mismatch.pem"
# Leaf first, then its issuer.
cat "$out/server.crt" "$out/ca.crt" > "$out/chain.pem"

# Private keys come out as 0600; git would not keep that, so match a checkout.
chmod 644 "$out"/*.key "$out"/*.pem

echo "wrote $(find "$out" -maxdepth 1 \( -name '*.pem' -o -name '*.crt' -o -name '*.key' \) | wc -l) files to $out"
