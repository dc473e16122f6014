# Shared shell helpers for the set-up, start and test commands. Sourced, not run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ROOT

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit "${2:-1}"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

APT_UPDATED=
# apt_install PKG...: installs the Debian packages that are missing.
apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get to install them; install them by hand" 69
  say "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq || die "apt-get update failed (run as root?)" 69; APT_UPDATED=1; fi
  # Packages such as postfix and dovecot must not start their system services here.
  printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null; as_root chmod +x /usr/sbin/policy-rc.d
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { as_root rm -f /usr/sbin/policy-rc.d; die "apt-get install ${missing[*]} failed" 69; }
  as_root rm -f /usr/sbin/policy-rc.d
}

# Node 20.19+ is required; pnpm comes through npm at the version package.json pins.
ensure_node_pnpm() {
  command -v node >/dev/null || die "Node.js 20.19 or newer is required (not found)" 69
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "Node.js 20.19 or newer is required (found $(node --version))" 69
  local want
  want=$(node -p 'require(process.argv[1]).packageManager.split("@")[1]' "$ROOT/package.json")
  if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
    say "installing pnpm $want through npm"
    npm install -g --silent "pnpm@$want" >/dev/null || die "npm install -g pnpm@$want failed" 69
  fi
}

# Installs dependencies and builds every package.
build_all() {
  cd "$ROOT"
  say "installing dependencies"
  pnpm install --frozen-lockfile --reporter=silent
  say "building"
  pnpm exec turbo run build --output-logs=errors-only
}

# free_port: prints a TCP port free on loopback.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
