#!/usr/bin/env bash
# Runs every test of the suite on a fresh Debian machine: installs what the tests use,
# starts a private Redis on a free port, builds, lints, tests, and stops what it started.
source "$(dirname "$0")/lib.sh"

ensure_node_pnpm
# Servers and clients the whole-stack tests drive.
apt_install redis-server docker-compose ca-certificates dovecot-imapd dovecot-pop3d libpython3.11-testsuite swaks libnet-ssleay-perl fetchmail getmail6 curl isync dnsmasq postfix
build_all

workdir=$(mktemp -d /tmp/mail-test.XXXXXX)
redis_port=$(free_port)
say "starting redis-server on 127.0.0.1:$redis_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$workdir" --save '' --appendonly yes \
  --appendfsync everysec --daemonize yes --pidfile "$workdir/redis.pid" --logfile "$workdir/redis.log"
cleanup() {
  [ -f "$workdir/redis.pid" ] && kill "$(cat "$workdir/redis.pid")" 2>/dev/null || true
  sleep 0.2; rm -rf "$workdir"
}
trap cleanup EXIT
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
export MAIL_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
export MAIL_TEST_REPORT_DIR="$workdir/reports"
mkdir -p "$MAIL_TEST_REPORT_DIR"

say "validating docker-compose.yml"
docker-compose -f docker-compose.yml config -q

say "lint and tests"
status=0
pnpm exec turbo run lint test --concurrency=1 --continue --output-logs=new-only || status=$?
node scripts/test-summary.mjs "$MAIL_TEST_REPORT_DIR" || status=1
exit $status
