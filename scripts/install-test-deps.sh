#!/usr/bin/env bash
# Installs the real programs the differential tests compare clusterlint
# with. Idempotent; needs root (or sudo) for the Debian packages.
set -euo pipefail

need_apt=()
command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)

if ((${#need_apt[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}"
fi

echo "test dependencies:"
echo "  java:  $(java -version 2>&1 | head -n 1)"
echo "  javac: $(javac -version 2>&1)"
