#!/usr/bin/env bash
# Starts the whole suite on this machine for development: installs what is missing (pnpm, redis-server),
# builds, creates the demo domain example.test and user demo@example.test, and runs every daemon in the
# foreground on loopback with the development ports (10000 + the standard port). Ctrl-C stops everything.
source "$(dirname "$0")/lib.sh"

ensure_node_pnpm
apt_install redis-server ca-certificates
build_all

CONFIG="$ROOT/examples/dev.yaml"
export MAIL_CONFIG="$CONFIG"
cd "$ROOT"
mailctl() { node "$ROOT/apps/mailctl/dist/cli.js" "$@"; }

# The demo domain and user, created once; the password is kept beside the user file for development only.
secret="$ROOT/var/etc/demo-password"
mkdir -p "$ROOT/var/etc"
mailctl domain list 2>/dev/null | awk '{print $1}' | grep -qx 'example.test' || mailctl domain add example.test
if ! mailctl user show demo@example.test >/dev/null 2>&1; then
  (umask 077; node -e 'console.log(require("crypto").randomBytes(12).toString("base64url"))' > "$secret")
  mailctl user add demo@example.test --password-stdin < "$secret"
fi
say "demo account: demo@example.test  password: $(cat "$secret")"
say "SMTP 127.0.0.1:10025 (MX), 10587 (submission, STARTTLS), 10465 (submissions, TLS)"
say "POP3 127.0.0.1:10110 (STLS), 10995 (TLS); IMAP 127.0.0.1:10143 (STARTTLS), 10993 (TLS)"
exec node "$ROOT/apps/mailctl/dist/cli.js" up --config "$CONFIG"
