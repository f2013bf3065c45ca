#!/usr/bin/env bash
# Whole-process timings of `clusterlint check` on generated inputs, printed
# as a table (median of several runs, peak memory). Not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
work=target/bench-inputs
mkdir -p "$work"

cargo build --release --quiet
bin=target/release/clusterlint

# A cluster of N live nodes plus a staging server, four files a node.
gen_cluster() {
    local dir=$1 nodes=$2
    [ -f "$dir/clusterlint.toml" ] && return
    mkdir -p "$dir/staging"
    local secret='tunneling.servlet.shared.secret=3f9a1c7e5b2d4a6f8e0c1b3d5a7f9e2c
tunneling.servlet.shared.secret.hex=true'
    printf '%s\njdbc.default.url=jdbc:mysql://stagingdb/lportal\n' "$secret" > "$dir/staging/portal-ext.properties"
    {
        printf '[nodes.staging]\nrole = "staging"\naddress = "10.0.0.1"\n'
        for ((n = 0; n < nodes; n++)); do
            printf '[nodes.app%05d]\nrole = "live"\naddress = "10.%d.%d.%d"\n' "$n" $((n / 62500 + 1)) $((n / 250 % 250)) $((n % 250 + 1))
        done
    } > "$dir/clusterlint.toml"
    for ((n = 0; n < nodes; n++)); do
        local d
        d=$(printf '%s/app%05d' "$dir" "$n")
        mkdir -p "$d/osgi/configs" "$d/tomcat/bin"
        printf '%s\njdbc.default.url=jdbc:mysql://db/lportal\ncluster.link.enabled=true\ntunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,10.0.0.1\n' "$secret" > "$d/portal-ext.properties"
        printf 'enabled=B"true"\nhostsAllowed="127.0.0.1,SERVER_IP,10.0.0.1"\nurlsIncludes="/api/liferay/do"\n' \
            > "$d/osgi/configs/com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguration~default.config"
        printf 'CATALINA_OPTS="$CATALINA_OPTS -Xmx4g -Dfile.encoding=UTF-8"\n' > "$d/tomcat/bin/setenv.sh"
        printf '# node %d\nlogging.level=info\n' "$n" > "$d/portal-setup-wizard.properties"
    done
}

# One large portal-ext.properties (10 MiB) on two nodes.
gen_big_properties() {
    local dir=$1
    [ -f "$dir/app1/portal-ext.properties" ] && return
    mkdir -p "$dir/app1" "$dir/app2"
    python3 - "$dir/app1/portal-ext.properties" <<'PY'
import sys
out = []
size = 0
i = 0
while size < 10 * 1024 * 1024:
    kind = i % 5
    if kind == 0: line = f"# section {i}: settings for the portal\n"
    elif kind == 1: line = f"key.number{i}=value-{i} with some words\n"
    elif kind == 2: line = f"list.{i}=a{i},\\\n    b{i},\\\n    c{i}\n"
    elif kind == 3: line = f"escaped.{i} = caf\\u00e9\\tand\\ space\n"
    else: line = f"path.{i}:${{liferay.home}}/data/{i}\n"
    out.append(line); size += len(line); i += 1
open(sys.argv[1], "w").write("".join(out))
PY
    cp "$dir/app1/portal-ext.properties" "$dir/app2/portal-ext.properties"
}

# A Gluu cluster of N nodes behind one nginx, a Redis host with its tunnel,
# csync2 and hosts files on every node.
gen_gluu_cluster() {
    local dir=$1 nodes=$2
    [ -f "$dir/lb/etc/nginx/nginx.conf" ] && return
    mkdir -p "$dir/lb/etc/nginx/conf.d" "$dir/redis/etc/redis" "$dir/redis/etc/stunnel"
    printf 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n' > "$dir/lb/etc/nginx/nginx.conf"
    local servers="" hosts="" n ip
    for ((n = 0; n < nodes; n++)); do
        ip="10.1.$((n / 250)).$((n % 250 + 1))"
        servers+="    server $ip:443 max_fails=2 fail_timeout=10s;"$'\n'
        hosts+="    host $ip;"$'\n'
    done
    {
        printf 'upstream backend_id {\n    ip_hash;\n%s}\nupstream backend {\n%s}\n' "$servers" "$servers"
        printf 'server {\n    listen 443 ssl;\n    server_name idp.example.org;\n    ssl_certificate /etc/nginx/ssl/a.crt;\n'
        printf '    location / { proxy_pass https://backend; }\n    location /identity { proxy_pass https://backend_id/identity; }\n}\n'
    } > "$dir/lb/etc/nginx/conf.d/gluu.conf"
    printf 'bind 127.0.0.1 ::1\nport 6379\nrequirepass "s3cr3t-for-benchmarks"\n' > "$dir/redis/etc/redis/redis.conf"
    printf 'cert = /etc/stunnel/r.pem\npid = /run/stunnel.pid\n[redis]\naccept = 10.0.0.30:16379\nconnect = 127.0.0.1:6379\n' > "$dir/redis/etc/stunnel/redis.conf"
    for ((n = 0; n < nodes; n++)); do
        local d
        d=$(printf '%s/gluu%04d' "$dir" "$n")
        ip="10.1.$((n / 250)).$((n % 250 + 1))"
        mkdir -p "$d/etc/stunnel" "$d/install"
        printf 'ip=%s\nhostname=idp.example.org\norgName=Example\nldapPass=secret-for-benchmarks\ninstallSaml=False\n' "$ip" > "$d/install/setup.properties.last"
        printf 'group gluu {\n%s    key /etc/csync2.key;\n    include /opt/gluu/conf;\n}\n' "$hosts" > "$d/etc/csync2.cfg"
        printf 'pid = /run/stunnel-redis.pid\n[redis]\nclient = yes\naccept = 127.0.0.1:6379\nconnect = 10.0.0.30:16379\n' > "$d/etc/stunnel/redis.conf"
        printf '127.0.0.1 localhost\n%s idp.example.org\n10.0.0.30 redis.example.org\n' "$ip" > "$d/etc/hosts"
    done
}

# One balancer with a 10 MiB include tree (20 files of server blocks).
gen_nginx_tree() {
    local dir=$1
    [ -f "$dir/lb/etc/nginx/nginx.conf" ] && return
    mkdir -p "$dir/lb/etc/nginx/conf.d"
    printf 'events {}\nhttp {\n    upstream backend { server 10.0.0.11:80; server 10.0.0.12:80; }\n    include /etc/nginx/conf.d/*.conf;\n}\n' > "$dir/lb/etc/nginx/nginx.conf"
    python3 - "$dir/lb/etc/nginx/conf.d" <<'PY'
import sys
block = ("server {\n    listen 8080;\n    server_name www.example.org \"quoted.example.org\";\n"
         "    # a comment\n    location / { proxy_pass http://backend; proxy_set_header Host $host; }\n"
         "    location ~* \\.(css|js)$ { return 301 https://www.example.org$request_uri; }\n}\n")
for i in range(20):
    open(f"{sys.argv[1]}/site{i:02}.conf", "w").write(block * ((512 << 10) // len(block)))
PY
}

# Four gateways of 2000 services each.
gen_kaazing() {
    local dir=$1
    [ -f "$dir/gw4/conf/gateway-config.xml" ] && return
    for n in 1 2 3 4; do
        mkdir -p "$dir/gw$n/conf"
        python3 - "$dir/gw$n/conf/gateway-config.xml" "$n" <<'PY'
import sys
out = ['<?xml version="1.0"?>\n<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">\n  <properties>\n'
       f'    <property><name>gateway.ip.address</name><value>192.0.2.1{sys.argv[2]}</value></property>\n  </properties>\n']
for i in range(2000):
    out.append(f'  <service>\n    <name>echo {i}</name>\n    <accept>wss://gateway.example.com:8443/echo{i}</accept>\n'
               '    <type>echo</type>\n    <accept-options><tcp.bind>${gateway.ip.address}:8443</tcp.bind></accept-options>\n  </service>\n')
out.append('</gateway-config>\n')
open(sys.argv[1], 'w').write(''.join(out))
PY
    done
}

# median_ms and peak RSS (KiB) of `$bin check <dir>` over $runs runs.
measure() {
    local dir=$1 times=() rss=0
    for ((r = 0; r < runs; r++)); do
        local out
        out=$( { /usr/bin/time -f '%e %M' "$bin" check --format json "$dir" > /dev/null || true; } 2>&1 | tail -n 1)
        times+=("$(awk '{print $1 * 1000}' <<< "$out")")
        local m
        m=$(awk '{print $2}' <<< "$out")
        ((m > rss)) && rss=$m
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%s %s\n' "$median" "$rss"
}

gen_cluster "$work/cluster-100" 100
gen_cluster "$work/cluster-1000" 1000
gen_big_properties "$work/properties-10MiB"
gen_gluu_cluster "$work/gluu-100" 100
gen_nginx_tree "$work/nginx-10MiB"
gen_kaazing "$work/kaazing-4x2000"

printf '%-34s %10s %12s %14s\n' "input" "files" "median ms" "peak RSS MiB"
for case in cluster-100 cluster-1000 properties-10MiB gluu-100 nginx-10MiB kaazing-4x2000; do
    dir="$work/$case"
    files=$(find "$dir" -type f | wc -l)
    read -r ms kib < <(measure "$dir")
    printf '%-34s %10d %12.0f %14.1f\n' "$case" "$files" "$ms" "$(awk "BEGIN {print $kib / 1024}")"
done
