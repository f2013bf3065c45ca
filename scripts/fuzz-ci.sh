#!/usr/bin/env bash
# Builds every fuzz target once and runs each for a bounded time
# (FUZZ_SECONDS, default 10), seeded with its committed regressions and the
# fixtures of its format. A crash fails the script and leaves the input in
# fuzz/artifacts/<target>/. Stable toolchain, no sanitizer (see
# fuzz/README.md for AddressSanitizer and for long runs).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-10}

if ! command -v cargo-fuzz >/dev/null; then
    cargo install --locked cargo-fuzz
fi

cd fuzz
cargo fuzz build --sanitizer none -O
targets=$(cargo fuzz list)

# Seeds per target: file-name patterns among the fixtures.
patterns_for() {
    case $1 in
    properties_jdk | properties_liferay) echo '*.properties *.cfg' ;;
    osgi_config) echo '*.config' ;;
    setenv) echo 'setenv*' ;;
    manifest) echo 'clusterlint.toml' ;;
    nginx) echo 'nginx.conf *.inc' ;;
    redis) echo 'redis.conf sentinel.conf' ;;
    stunnel) echo '*.conf' ;;
    csync2) echo 'csync2*.cfg' ;;
    hosts) echo 'hosts' ;;
    pem) echo '*.pem *.crt *.key' ;;
    kaazing_xml) echo '*.xml' ;;
    ldif) echo '*.ldif' ;;
    *) echo '' ;;
    esac
}

# The folder of real-world files of a target's format.
corpus_for() {
    case $1 in
    properties_jdk | properties_liferay) echo properties ;;
    osgi_config) echo osgi-config ;;
    kaazing_xml) echo kaazing-xml ;;
    nginx | redis | stunnel | csync2 | hosts) echo "$1" ;;
    *) echo '' ;;
    esac
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in $targets; do
    corpus=$work/$target
    mkdir -p "$corpus"
    if [ -d "regressions/$target" ]; then
        cp regressions/"$target"/* "$corpus"/
    fi
    for pattern in $(patterns_for "$target"); do
        # At most 200 seeds a pattern; the list is read to its end, so that
        # `find` never dies of a closed pipe.
        count=0
        while IFS= read -r -d '' file; do
            count=$((count + 1))
            [ "$count" -gt 200 ] && continue
            cp "$file" "$corpus/$(printf '%s' "$file" | cksum | cut -d' ' -f1)"
        done < <(find ../fixtures -type f -name "$pattern" -size -64k -print0)
    done
    real=$(corpus_for "$target")
    if [ -n "$real" ]; then
        while IFS= read -r -d '' file; do
            cp "$file" "$corpus/real-$(printf '%s' "$file" | cksum | cut -d' ' -f1)"
        done < <(find "../corpus/$real" -type f -size -64k -print0)
    fi
    echo "fuzz: $target for ${seconds}s ($(find "$corpus" -type f | wc -l) seeds)"
    crashes=$work/crashes-$target
    mkdir -p "$crashes"
    cargo fuzz run --sanitizer none -O "$target" "$corpus" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$crashes/" 2>&1 |
        grep -E '^(Done|stat::number_of_executed_units)|SUMMARY|panicked|deadly signal' || true
    # `cargo fuzz run` exits non-zero on a crash; the pipe hides it, the
    # artifact does not.
    if compgen -G "$crashes/*" >/dev/null; then
        mkdir -p "artifacts/$target"
        cp "$crashes"/* "artifacts/$target/"
        echo "fuzz: $target found a crash, kept in fuzz/artifacts/$target/: $(ls "$crashes")" >&2
        exit 1
    fi
done
