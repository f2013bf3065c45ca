#!/usr/bin/env bash
# Builds release archives of clusterlint into dist/:
#   clusterlint-<version>-<target>.tar.gz  the stripped binary, its shell
#                                          completions and manual page, the
#                                          README, changelog and licences
#   SHA256SUMS                             their checksums
# for the host target, and for x86_64-unknown-linux-musl (a static binary)
# where that target is installed (`rustup target add
# x86_64-unknown-linux-musl`). Each binary is run once before it is packed.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
host=$(rustc -vV | sed -n 's/^host: //p')
out=dist
rm -rf "$out"
mkdir -p "$out"

targets=("$host")
if [ "$host" != x86_64-unknown-linux-musl ] &&
    rustup target list --installed 2>/dev/null | grep -qx x86_64-unknown-linux-musl; then
    targets+=(x86_64-unknown-linux-musl)
fi

for target in "${targets[@]}"; do
    echo "dist: building $target"
    # Stripped, without debug lines, in a target folder of its own so that
    # the everyday release build stays cached.
    CARGO_PROFILE_RELEASE_STRIP=symbols CARGO_PROFILE_RELEASE_DEBUG=false \
        cargo build --release --locked --target "$target" --target-dir target/dist
    binary=target/dist/$target/release/clusterlint
    "$binary" --version
    # The example cluster has findings on purpose: exit 1 is success here.
    status=0
    "$binary" check --format concise fixtures/clusters/liferay-remote-staging >/dev/null || status=$?
    if [ "$status" -ne 1 ]; then
        echo "dist: the $target binary exited $status on the example cluster" >&2
        exit 1
    fi

    name=clusterlint-$version-$target
    stage=$out/$name
    mkdir -p "$stage/completions" "$stage/man"
    cp "$binary" "$stage/"
    cp README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE "$stage/"
    "$binary" completions bash >"$stage/completions/clusterlint.bash"
    "$binary" completions zsh >"$stage/completions/_clusterlint"
    "$binary" completions fish >"$stage/completions/clusterlint.fish"
    "$binary" manpage >"$stage/man/clusterlint.1"
    tar -C "$out" -czf "$out/$name.tar.gz" "$name"
    rm -rf "$stage"
done

(cd "$out" && sha256sum -- *.tar.gz >SHA256SUMS)
cat "$out/SHA256SUMS"
