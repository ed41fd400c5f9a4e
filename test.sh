#!/usr/bin/env bash
# The README's test command: installs what the tests need when it is missing, then runs every test.
#   ./test.sh                 all tests
#   ./test.sh <dotnet test arguments>   e.g. --filter FullyQualifiedName~Sqlite, --logger trx
# Installing needs root or sudo (Debian/Ubuntu apt-get). On a machine that already has the tools, `dotnet test` alone
# does the same.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# command the tests run -> the Debian package that provides it
declare -A needs=(
  [mosquitto]=mosquitto             # the broker, a peer in the load runner and interop checks
  [mosquitto_pub]=mosquitto-clients # independent clients of the interoperability tests
  [mosquitto_sub]=mosquitto-clients
  [chromium]=chromium               # the dashboard's end-to-end tests (Playwright drives Debian's build)
)

missing=()
for command in "${!needs[@]}"; do
  if ! command -v "$command" >/dev/null 2>&1; then
    package=${needs[$command]}
    [[ " ${missing[*]-} " == *" $package "* ]] || missing+=("$package")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} (apt-get)"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "test.sh: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

exec dotnet test "$@"
