#!/usr/bin/env bash
# Puts promtool (from Debian's `prometheus` package) into VENV/bin, for the Prometheus rule tests.
# Only the promtool binary is extracted from the .deb: no Prometheus server is installed or started.
# Idempotent; where the package cannot be had (no apt, no network), says so and exits 0: the tests skip.
set -euo pipefail
venv="$(cd "${1:?usage: install_promtool.sh VENV}" && pwd)"
if [ -x "$venv/bin/promtool" ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "promtool: no apt-get/dpkg-deb here; the promtool tests will skip" >&2
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get download prometheus >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; fi
  if ! apt-get download prometheus >/dev/null 2>&1; then
    echo "promtool: cannot download Debian's prometheus package; the promtool tests will skip" >&2
    exit 0
  fi
fi
dpkg-deb -x prometheus_*.deb root
install -m 0755 root/usr/bin/promtool "$venv/bin/promtool"
echo "promtool: $("$venv/bin/promtool" --version 2>&1 | head -1)"
