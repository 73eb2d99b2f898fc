#!/usr/bin/env bash
# Installs the system packages the test suites read (Fashion-MNIST from Debian). Idempotent and non-interactive;
# run as root. Does nothing when everything is already in place.
set -euo pipefail

FASHION_MNIST_DIR=/usr/share/datasets/fashion-mnist
FASHION_MNIST_PACKAGE=dataset-fashion-mnist

if [[ -d $FASHION_MNIST_DIR ]]; then
  echo "install-test-deps: $FASHION_MNIST_DIR present, nothing to install"
  exit 0
fi

if (( EUID != 0 )); then
  echo "install-test-deps: $FASHION_MNIST_DIR is missing and installing $FASHION_MNIST_PACKAGE needs root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show "$FASHION_MNIST_PACKAGE" >/dev/null 2>&1; then
  echo "install-test-deps: package lists do not know $FASHION_MNIST_PACKAGE, running apt-get update"
  apt-get update
fi
echo "install-test-deps: installing $FASHION_MNIST_PACKAGE into $FASHION_MNIST_DIR"
apt-get install -y --no-install-recommends "$FASHION_MNIST_PACKAGE"
