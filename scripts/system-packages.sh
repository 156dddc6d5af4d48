#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Entraide needs, only those missing.
# apt-get as root, sudo otherwise; if neither works, names the packages.
# Arguments say what for: nothing for the embedded default (`make run`,
# `make serve`), `scaled` (PostgreSQL, Redis, nginx), `test` (those, and
# Chromium for the browser tests: its headless shell where apt has it, as
# Playwright itself runs headless, at about half the processor time).
set -euo pipefail

# The PostgreSQL major version differs between releases (15 on Debian 12):
# take the installed server's, or the newest one apt offers.
pg_major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1 || true)
if [ -z "$pg_major" ]; then
    pg_major=$(apt-cache --names-only search '^postgresql-[0-9]+$' 2>/dev/null \
        | sed -n 's/^postgresql-\([0-9]\+\) .*/\1/p' | sort -n | tail -n 1 || true)
fi
pg_major=${pg_major:-15}

packages=(
    python3 python3-venv python3-dev build-essential gettext
    libsqlite3-mod-spatialite gdal-bin
)
for purpose in "$@"; do
    case "$purpose" in
        scaled|test)
            packages+=("postgresql-$pg_major" "postgresql-$pg_major-postgis-3" postgis redis-server nginx)
            ;;&
        test)
            if apt-cache show chromium-headless-shell >/dev/null 2>&1; then
                packages+=(chromium-headless-shell)
            else
                packages+=(chromium)
            fi
            packages+=(fonts-liberation fonts-noto-color-emoji)
            ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    apt=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    apt=(sudo apt-get)
else
    echo "error: cannot install system packages (not root, and sudo is unavailable)." >&2
    echo "Ask an administrator to run:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
