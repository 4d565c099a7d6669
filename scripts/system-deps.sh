#!/usr/bin/env bash
# Install the Debian packages Metrópoli needs, only those that are missing.
#   scripts/system-deps.sh [stack]  what make run, make test and make stack-up need (make test
#                                   runs the production stack too: nginx and Redis)
set -euo pipefail
packages=(gdal-bin postgresql-15 postgresql-15-postgis-3 gettext
          chromium python3-venv python3-dev nodejs npm nginx libnginx-mod-http-brotli-static
          redis-server)
missing=()
for p in "${packages[@]}"; do
  # nodejs/npm may come from elsewhere (nodesource): a working command is enough.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
