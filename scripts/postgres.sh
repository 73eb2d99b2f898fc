#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432 with trust authentication for user postgres, as the control plane's
# tests expect (each test makes a database of its own there and drops it). Starts an installed cluster that is not
# running; where PostgreSQL is missing, installs Debian's as root and trusts local connections, since this is for a
# test machine; otherwise says what to do. FOGLINE_TEST_POSTGRES points the tests at another server instead.
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if [[ -n ${FOGLINE_TEST_POSTGRES:-} ]]; then
  echo "postgres: tests use FOGLINE_TEST_POSTGRES=$FOGLINE_TEST_POSTGRES"
  exit 0
fi
if command -v pg_isready >/dev/null 2>&1 && ready; then
  echo "postgres: running on 127.0.0.1:5432"
  exit 0
fi

if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  if (( EUID != 0 )); then
    echo "postgres: PostgreSQL is not installed. Install it (sudo apt-get install postgresql), allow" \
      "'host all all 127.0.0.1/32 trust' in its pg_hba.conf, or set FOGLINE_TEST_POSTGRES to a" \
      "jdbc:postgresql:// URL of a server whose user may create databases" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-cache show postgresql >/dev/null 2>&1 || apt-get update -q
  echo "postgres: installing Debian's postgresql"
  apt-get install -y -q --no-install-recommends postgresql
  version=$(ls /etc/postgresql | sort -V | tail -1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  sed -i '/^\s*\(local\|host\)\s/d' "$hba"
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' >>"$hba"
fi

version=$(ls /etc/postgresql | sort -V | tail -1)
echo "postgres: starting cluster $version/main"
if (( EUID == 0 )); then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
else
  sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
for _ in $(seq 1 30); do
  ready && { echo "postgres: running on 127.0.0.1:5432"; exit 0; }
  sleep 1
done
echo "postgres: cluster $version/main did not come up on 127.0.0.1:5432; see /var/log/postgresql/" >&2
exit 1
