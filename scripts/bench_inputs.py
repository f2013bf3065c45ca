#!/usr/bin/env python3
"""Writes the benchmark inputs of scripts/bench.sh, deterministically.

Each input is a cluster folder (one folder per node) so that
`clusterlint check DIR` reads it, and the reference tools get the single
file inside. Usage: bench_inputs.py OUT_DIR
"""

import os
import sys

MIB = 1024 * 1024


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def fill(parts, size):
    """Repeats the generator `parts(i)` until `size` bytes are reached."""
    out, total, i = [], 0, 0
    while total < size:
        piece = parts(i)
        out.append(piece)
        total += len(piece)
        i += 1
    return "".join(out)


def nginx_server(i):
    return (
        "    server {\n"
        f"        listen {8000 + i % 1000};\n"
        f'        server_name site{i}.example.org "quoted{i}.example.org";\n'
        "        # a comment\n"
        f"        location / {{ proxy_pass http://backend; proxy_set_header Host $host; }}\n"
        f"        location ~* \\.(css|js)$ {{ return 301 https://site{i}.example.org$request_uri; }}\n"
        "    }\n"
    )


NGINX_HEAD = (
    "pid nginx.pid;\n"
    "events { worker_connections 4096; }\n"
    "http {\n"
    "    access_log off;\n"
    "    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;\n"
    "    uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;\n"
    "    upstream backend { server 127.0.0.1:9001; server 127.0.0.1:9002; }\n"
)


def nginx_single(out):
    body = fill(nginx_server, 10 * MIB - len(NGINX_HEAD))
    write(f"{out}/nginx-10MiB/lb/etc/nginx/nginx.conf", NGINX_HEAD + body + "}\n")


def nginx_tree(out):
    base = f"{out}/nginx-tree/lb/etc/nginx"
    write(f"{base}/nginx.conf", NGINX_HEAD + "    include conf.d/*.conf;\n}\n")
    per_file = 10 * MIB // 2000
    for n in range(2000):
        write(f"{base}/conf.d/site{n:04}.conf", fill(lambda i: nginx_server(n * 100 + i), per_file))


def properties(out):
    def entry(i):
        kind = i % 5
        if kind == 0:
            return f"# section {i}: settings for the portal\n"
        if kind == 1:
            return f"key.number{i}=value-{i} with some words\n"
        if kind == 2:
            return f"list.{i}=a{i},\\\n    b{i},\\\n    c{i}\n"
        if kind == 3:
            return f"escaped.{i} = caf\\u00e9\\tand\\ space\n"
        return f"path.{i}:${{liferay.home}}/data/{i}\n"

    write(f"{out}/properties-10MiB/app1/portal-ext.properties", fill(entry, 10 * MIB))


def gateway(out):
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">\n'
        "  <properties>\n"
        "    <property><name>gateway.ip.address</name><value>192.0.2.11</value></property>\n"
        "  </properties>\n"
    )

    def service(i):
        return (
            "  <service>\n"
            f"    <name>echo {i}</name>\n"
            f"    <accept>wss://gateway.example.com:8443/echo{i}</accept>\n"
            "    <type>echo</type>\n"
            "    <accept-options><tcp.bind>${gateway.ip.address}:8443</tcp.bind></accept-options>\n"
            "  </service>\n"
        )

    body = fill(service, 10 * MIB - len(head))
    write(f"{out}/gateway-10MiB/gw1/conf/gateway-config.xml", head + body + "</gateway-config>\n")


REDIS_HEAD = "bind 127.0.0.1\nport 6379\nrequirepass s3cr3t-for-benchmarks-only\n"


def redis(out):

    def line(i):
        kind = i % 4
        if kind == 0:
            return f"# setting {i}\n"
        if kind == 1:
            return f"save {900 + i % 1000} {1 + i % 10}\n"
        if kind == 2:
            return "client-output-buffer-limit pubsub 32mb 8mb 60\n"
        return f"user u{i} on nopass ~key{i}:* +get\n"

    write(f"{out}/redis-5MiB/cache/etc/redis/redis.conf", REDIS_HEAD + fill(line, 5 * MIB - len(REDIS_HEAD)))


def cluster(out, nodes):
    """Liferay, Gluu-style Redis tunnels, csync2, hosts, nginx and KAAZING:
    ten files a node, every format."""
    root = f"{out}/cluster-{nodes}"
    secret = "tunneling.servlet.shared.secret=3f9a1c7e5b2d4a6f8e0c1b3d5a7f9e2c\n"
    manifest = ['[nodes.staging]\nrole = "staging"\naddress = "10.0.0.1"\n']
    servers = []
    for n in range(nodes):
        ip = f"10.{1 + n // 62500}.{n // 250 % 250}.{n % 250 + 1}"
        manifest.append(f'[nodes.app{n:05}]\nrole = "live"\naddress = "{ip}"\n')
        servers.append(f"        server {ip}:8080;\n")
        node = f"{root}/app{n:05}"
        write(f"{node}/portal-ext.properties",
              f"# Live node {n}.\n{secret}jdbc.default.url=jdbc:mysql://db/lportal\n"
              "cluster.link.enabled=true\ntunnel.servlet.hosts.allowed=127.0.0.1,SERVER_IP,10.0.0.1\n")
        write(f"{node}/osgi/configs/com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguration~default.config",
              'enabled=B"true"\nhostsAllowed="127.0.0.1,SERVER_IP,10.0.0.1"\nurlsIncludes="/api/liferay/do"\n')
        write(f"{node}/osgi/configs/com.liferay.portal.store.file.system.configuration.AdvancedFileSystemStoreConfiguration.cfg",
              "rootDir=/mnt/shared/document_library\n")
        write(f"{node}/tomcat/bin/setenv.sh", 'CATALINA_OPTS="$CATALINA_OPTS -Xmx4g -Dfile.encoding=UTF-8"\n')
        write(f"{node}/portal-setup-wizard.properties", f"# node {n}\nsetup.wizard.enabled=false\n")
        write(f"{node}/etc/hosts", f"127.0.0.1 localhost\n{ip} app{n:05}\n10.0.0.3 redis.example.org\n")
        # csync2 groups of ten neighbours keep the input linear in the nodes.
        first = n - n % 10
        peers = " ".join(f"app{m:05}" for m in range(first, min(first + 10, nodes)))
        write(f"{node}/etc/csync2.cfg",
              f"group shard{first // 10} {{\n    host {peers};\n    key /etc/csync2.key;\n    include /opt/liferay/data;\n}}\n")
        write(f"{node}/etc/redis/redis.conf", REDIS_HEAD)
        write(f"{node}/etc/stunnel/stunnel.conf",
              "pid = /run/stunnel.pid\n[redis]\nclient = yes\naccept = 127.0.0.1:16379\nconnect = 10.0.0.3:6380\n")
        write(f"{node}/conf/gateway-config.xml",
              '<?xml version="1.0"?>\n<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">\n'
              f"  <service>\n    <name>echo</name>\n    <accept>ws://{ip}:8000/echo</accept>\n    <type>echo</type>\n  </service>\n"
              "</gateway-config>\n")
    manifest.append('[nodes.lb]\nrole = "balancer"\naddress = "10.0.0.2"\n')
    write(f"{root}/clusterlint.toml", "".join(manifest))
    write(f"{root}/staging/portal-ext.properties", secret + "jdbc.default.url=jdbc:mysql://stagingdb/lportal\n")
    write(f"{root}/lb/etc/nginx/nginx.conf",
          "events {}\nhttp {\n    upstream portal {\n" + "".join(servers) +
          "    }\n    server {\n        listen 80;\n        location / { proxy_pass http://portal; }\n    }\n}\n")


def gateway_findings(out):
    """2,000 properties and 21,000 uses of names none of them defines, each
    a near miss of a defined one: kaazing/undefined-property with a
    suggestion to rank per use."""
    props = "".join(
        f"    <property><name>gateway.node{i}.address</name><value>192.0.2.{i % 250 + 1}</value></property>\n"
        for i in range(2000)
    )
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">\n'
        f"  <properties>\n{props}  </properties>\n"
    )

    def service(i):
        uses = "".join(f"<tcp.bind>${{gateway.node{(i * 3 + k) % 2000}.adress}}:{8000 + k}</tcp.bind>" for k in range(3))
        return (
            "  <service>\n"
            f"    <name>echo {i}</name>\n"
            f"    <accept>wss://gateway.example.com:8443/echo{i}</accept>\n"
            "    <type>echo</type>\n"
            f"    <accept-options>{uses}</accept-options>\n"
            "  </service>\n"
        )

    body = "".join(service(i) for i in range(7000))
    write(f"{out}/gateway-findings/gw1/conf/gateway-config.xml", head + body + "</gateway-config>\n")


def nginx_findings(out):
    """2,000 upstreams and servers whose every proxy_pass names a near miss
    of one, whose redirects go to hosts no server answers, and whose
    listens repeat: a finding or more per directive."""
    ups = "".join(f"    upstream backend{i} {{ server 127.0.0.1:{9000 + i % 1000}; }}\n" for i in range(2000))

    def server(i):
        return (
            "    server {\n"
            "        listen 8080;\n"
            f"        server_name site{i}.example.org;\n"
            f"        location / {{ proxy_pass http://backnd{i % 2000}; }}\n"
            f"        location /old {{ return 301 https://elsewhere{i}.example.net$request_uri; }}\n"
            "    }\n"
        )

    body = fill(server, 5 * MIB)
    write(f"{out}/nginx-findings/lb/etc/nginx/nginx.conf", NGINX_HEAD + ups + body + "}\n")


def properties_findings(out):
    """Every key defined twice, and secrets among them: a duplicate per
    entry."""
    def entry(i):
        key = f"key.number{i // 2}"
        if i % 10 == 0:
            key = f"jdbc.default.password{i // 20}"
        return f"{key}=value-{i} with some words\n"

    write(f"{out}/properties-findings/app1/portal-ext.properties", fill(entry, 5 * MIB))


def redis_findings(out):
    """Directives that repeat where only the last counts, and unknown ones
    near known names."""

    def line(i):
        kind = i % 3
        if kind == 0:
            return f"port {6000 + i % 1000}\n"
        if kind == 1:
            return f"maxmemori{i % 7} 100mb\n"
        return f"requirepass another-secret-{i}\n"

    write(f"{out}/redis-findings/cache/etc/redis/redis.conf", REDIS_HEAD + fill(line, 2 * MIB))


def main():
    out = sys.argv[1]
    generators = {
        "nginx-10MiB": nginx_single,
        "nginx-tree": nginx_tree,
        "properties-10MiB": properties,
        "gateway-10MiB": gateway,
        "redis-5MiB": redis,
        "nginx-findings": nginx_findings,
        "properties-findings": properties_findings,
        "gateway-findings": gateway_findings,
        "redis-findings": redis_findings,
    }
    for name, generate in generators.items():
        if not os.path.isdir(f"{out}/{name}"):
            generate(out)
    for nodes in (100, 1000, 2000, 10000):
        if not os.path.isdir(f"{out}/cluster-{nodes}"):
            cluster(out, nodes)


if __name__ == "__main__":
    main()
