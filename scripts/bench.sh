#!/usr/bin/env bash
# Whole-process timings of `clusterlint check` side by side with the tools a
# user would run instead, on the same generated inputs in one run: runs
# alternate between the tools, each figure is the median of $RUNS runs, and
# peak memory comes from /usr/bin/time. Prints a table with the ratios.
# Not a test, and not in .ci/run. scripts/install-test-deps.sh installs the
# reference tools; a missing one is left out of the table. The *-findings
# inputs have a finding (or more) on most lines: their cost must stay linear
# in the input and the findings. After the table, the language server's
# edit-to-publish latency on 2,000 nodes (benches/lsp.rs; LSP_NODES sets
# another size, LSP=0 leaves it out). SCHEMA=0 leaves out `xmllint
# --schema`, which takes minutes on the 10 MiB gateway file.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
work=$PWD/target/bench
mkdir -p "$work"
target=${CARGO_TARGET_DIR:-$PWD/target}

cargo build --release --quiet
cargo build --release --quiet --bench reference
bin=$target/release/clusterlint
newest() {
    find "$target/release/deps" -maxdepth 1 -type f -executable -name "$1-*" -printf '%T@ %p\n' |
        sort -n | tail -n 1 | cut -d' ' -f2
}
reference=$(newest reference)

python3 scripts/bench_inputs.py "$work"

# A JVM loading a properties file, as the portal does.
java_dir=$work/java
if command -v javac >/dev/null && [ ! -f "$java_dir/Load.class" ]; then
    mkdir -p "$java_dir"
    cat > "$java_dir/Load.java" <<'JAVA'
import java.io.FileInputStream;
import java.util.Properties;
public class Load {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (FileInputStream in = new FileInputStream(args[0])) { p.load(in); }
        System.out.println(p.size());
    }
}
JAVA
    javac -d "$java_dir" "$java_dir/Load.java"
fi

nginx_prefix=$work/nginx-prefix
mkdir -p "$nginx_prefix/tmp"

# The reference commands per input: "label|command" (the file comes last).
commands_for() {
    local input=$1 dir=$work/$1
    case $input in
    nginx-10MiB | nginx-tree)
        local conf=$dir/lb/etc/nginx/nginx.conf
        if [ -x /usr/sbin/nginx ]; then
            local unshare=""
            command -v unshare >/dev/null && [ "$(id -u)" -eq 0 ] && unshare="unshare --net"
            echo "nginx -t|$unshare /usr/sbin/nginx -t -q -p $nginx_prefix/ -c $conf -g 'error_log stderr;'"
        fi
        command -v crossplane >/dev/null && echo "crossplane parse|crossplane parse $conf -o /dev/null"
        ;;
    redis-5MiB)
        command -v redis-server >/dev/null &&
            echo "redis-server parse|redis-server $dir/cache/etc/redis/redis.conf --port 0 --unixsocket /nonexistent/r.sock --daemonize no --logfile '' --dir $work --save ''"
        ;;
    properties-10MiB)
        local file=$dir/app1/portal-ext.properties
        [ -f "$java_dir/Load.class" ] && echo "JVM Properties.load|java -cp $java_dir Load $file"
        echo "java-properties crate|$reference properties $file"
        ;;
    gateway-10MiB)
        local file=$dir/gw1/conf/gateway-config.xml
        command -v xmllint >/dev/null && echo "xmllint --noout|xmllint --noout $file"
        # The gateway's own schema; the gateway annotates `xsi:type` on
        # services before validating, so xmllint also reports them abstract.
        [ "${SCHEMA:-1}" != 0 ] && command -v xmllint >/dev/null &&
            echo "xmllint --schema|xmllint --noout --schema $PWD/reference/kaazing/gateway-config-201606.xsd $file"
        echo "bare quick-xml loop|$reference xml $file"
        ;;
    esac
}

# One run of a command: wall milliseconds and peak RSS in KiB.
run_once() {
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$work/rss" bash -c "$1" > /dev/null 2>&1 || true
    end=$(date +%s%N)
    echo "$(((end - start) / 1000)) $(tail -n 1 "$work/rss")"
}

median() {
    sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# INPUTS="a b" measures those inputs only.
all_inputs="nginx-10MiB nginx-tree redis-5MiB properties-10MiB gateway-10MiB
    nginx-findings redis-findings properties-findings gateway-findings
    cluster-100 cluster-1000 cluster-2000 cluster-10000"
# shellcheck disable=SC2206 # split on blanks, as written
inputs=(${INPUTS:-$all_inputs})
printf '%-18s %8s %9s  %-22s %11s %9s %9s\n' "input" "files" "MiB" "tool" "median ms" "peak MiB" "× ours"
for input in "${inputs[@]}"; do
    dir=$work/$input
    files=$(find "$dir" -type f | wc -l)
    mib=$(du -sb "$dir" | awk '{printf "%.1f", $1 / 1048576}')
    # A figure is worth something only if the input was read: every file
    # but the manifest.
    configs=$(find "$dir" -type f ! -name clusterlint.toml | wc -l)
    read_files=$("$bin" check --format json "$dir" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["files"])' || true)
    if [ "$read_files" != "$configs" ]; then
        echo "error: clusterlint read ${read_files:-no} files of the $configs in $dir" >&2
        exit 1
    fi
    labels=("clusterlint check")
    commands=("$bin check --format json $dir")
    while IFS='|' read -r label command; do
        [ -n "$label" ] || continue
        labels+=("$label")
        commands+=("$command")
    done < <(commands_for "$input")
    declare -A times=() peaks=()
    for ((r = 0; r < runs; r++)); do
        for i in "${!commands[@]}"; do
            read -r us kib < <(run_once "${commands[$i]}")
            times[$i]+="$us "
            [ "${peaks[$i]:-0}" -ge "$kib" ] || peaks[$i]=$kib
        done
    done
    ours=$(tr ' ' '\n' <<< "${times[0]}" | grep . | median)
    for i in "${!commands[@]}"; do
        us=$(tr ' ' '\n' <<< "${times[$i]}" | grep . | median)
        ratio=$(awk "BEGIN {printf \"%.1f\", $us / $ours}")
        [ "$i" -eq 0 ] && ratio="1.0"
        if [ "$i" -eq 0 ]; then
            printf '%-18s %8d %9s  %-22s %11.1f %9.1f %9s\n' "$input" "$files" "$mib" "${labels[$i]}" \
                "$(awk "BEGIN {print $us / 1000}")" "$(awk "BEGIN {print ${peaks[$i]} / 1024}")" "$ratio"
        else
            printf '%-18s %8s %9s  %-22s %11.1f %9.1f %9s\n' "" "" "" "${labels[$i]}" \
                "$(awk "BEGIN {print $us / 1000}")" "$(awk "BEGIN {print ${peaks[$i]} / 1024}")" "$ratio"
        fi
    done
    unset times peaks
done
echo
echo "× ours: the tool's median time over clusterlint's on the same input (higher is better for clusterlint)."

if [ "${LSP:-1}" != 0 ]; then
    cargo bench --quiet --bench lsp --no-run 2>/dev/null
    echo
    LSP_NODES=${LSP_NODES:-2000} "$(newest lsp)" --bench
fi
