#!/usr/bin/env bash
# Installs the real programs the differential tests compare clusterlint
# with: a JDK, nginx (plus its stream module) and crossplane, redis-server,
# stunnel4, csync2, openssl (throw-away certificates for stunnel),
# xmllint/xsltproc, Graphviz (renders `clusterlint graph`), Neovim (an
# editor talking to `clusterlint lsp`), and from PyPI pre-commit (the hook
# test), jsonschema (the SARIF schema test) and pytest-lsp (a scripted
# language-server client).
# Idempotent; needs root (or sudo) for the Debian packages.
set -euo pipefail

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# Debian package -> a file it installs (present = already installed).
packages=(
    "openjdk-17-jdk-headless:javac"
    "nginx-light:/usr/sbin/nginx"
    "libnginx-mod-stream:/usr/lib/nginx/modules/ngx_stream_module.so"
    "redis-server:/usr/bin/redis-server"
    "stunnel4:/usr/bin/stunnel4"
    "csync2:/usr/sbin/csync2"
    "openssl:/usr/bin/openssl"
    "libxml2-utils:/usr/bin/xmllint"
    "xsltproc:/usr/bin/xsltproc"
    "util-linux:/usr/bin/unshare"
    "graphviz:/usr/bin/dot"
    "neovim:/usr/bin/nvim"
    "npm:npm"
)

need_apt=()
for entry in "${packages[@]}"; do
    package=${entry%%:*}
    probe=${entry#*:}
    if [[ $probe == /* ]]; then
        [ -e "$probe" ] || need_apt+=("$package")
    else
        command -v "$probe" >/dev/null 2>&1 || need_apt+=("$package")
    fi
done

if ((${#need_apt[@]})); then
    $sudo apt-get update -qq
    # Keep the packages' services from starting (no init in containers,
    # and the tests start the programs themselves).
    policy=/usr/sbin/policy-rc.d
    created_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
        $sudo chmod +x "$policy"
        created_policy=yes
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${need_apt[@]}"
    [ -z "$created_policy" ] || $sudo rm -f "$policy"
fi

# Python tools, pinned: crossplane (the nginx statement-tree oracle),
# pre-commit (the hook test), jsonschema (the SARIF schema test).
pip_install() {
    local name=$1 version=$2
    python3 -m pip show "$name" 2>/dev/null | grep -qx "Version: $version" && return
    python3 -m pip install --quiet --disable-pip-version-check "$name==$version" ||
        python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
            "$name==$version"
}
pip_install crossplane 0.5.8
pip_install pre-commit 4.7.0
pip_install jsonschema 4.26.0
pip_install pytest-lsp 1.0.1

version() {
    "$@" 2>&1 | head -n 1 || true
}

echo "test dependencies:"
echo "  java:         $(version java -version)"
echo "  javac:        $(version javac -version)"
echo "  nginx:        $(version /usr/sbin/nginx -v)"
echo "  crossplane:   $(python3 -m pip show crossplane 2>/dev/null | sed -n 's/^Version: //p') ($(command -v crossplane || echo 'python3 -m crossplane'))"
echo "  redis-server: $(version redis-server --version)"
echo "  stunnel4:     $(stunnel4 -version 2>&1 | grep -m 1 '^stunnel' || true)"
echo "  csync2:       $(dpkg-query -W -f '${Version}' csync2 2>/dev/null || echo missing)"
echo "  openssl:      $(version openssl version)"
echo "  xmllint:      $(version xmllint --version)"
echo "  xsltproc:     $(version xsltproc --version)"
echo "  unshare:      $(version unshare --version)"
echo "  dot:          $(version dot -V)"
echo "  pre-commit:   $(version python3 -m pre_commit --version)"
echo "  jsonschema:   $(python3 -m pip show jsonschema 2>/dev/null | sed -n 's/^Version: //p')"
echo "  nvim:         $(version nvim --version)"
echo "  node:         $(version node --version) (npm $(version npm --version))"
echo "  pytest-lsp:   $(python3 -m pip show pytest-lsp 2>/dev/null | sed -n 's/^Version: //p')"
