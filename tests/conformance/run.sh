#!/usr/bin/env bash
# Conformance test: starts flowlink-emulator on loopback with a small seeded
# org and lets the official Genesys JavaScript SDK drive it (conformance.js).
# Usage: tests/conformance/run.sh EMULATOR_BIN WORKDIR
# Exits with node's status; the emulator is always stopped.
set -euo pipefail

emulator="${1:?usage: run.sh EMULATOR_BIN WORKDIR}"
workdir="${2:?usage: run.sh EMULATOR_BIN WORKDIR}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
node_modules="$repo/tests/node/node_modules"
fixture="$repo/tests/fixtures/architect/cache-example.inboundcall.json"

[ -x "$emulator" ] || { echo "run.sh: emulator binary $emulator is missing"; exit 1; }
[ -d "$node_modules/purecloud-platform-client-v2" ] || {
  echo "run.sh: $node_modules has no purecloud-platform-client-v2; run scripts/install-deps"; exit 1; }
[ -f "$fixture" ] || { echo "run.sh: fixture $fixture is missing"; exit 1; }

rm -rf "$workdir"
mkdir -p "$workdir/state" "$workdir/seed"
cp "$here"/seed/*.json "$workdir/seed/"
cp "$fixture" "$workdir/seed/"

client_id="conformance-client"
client_secret="conformance-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '[{"id":"%s","secret":"%s","name":"Conformance SDK client"}]\n' \
  "$client_id" "$client_secret" > "$workdir/clients.json"

org_name="Conformance Org (emulated)"
port_file="$workdir/port"
"$emulator" --listen 127.0.0.1:0 --port-file "$port_file" --state "$workdir/state" \
  --org-name "$org_name" --seed "$workdir/seed" --clients "$workdir/clients.json" --rate-limit 300 \
  --operation-delay-ms 30 > "$workdir/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 200); do
  [ -s "$port_file" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { echo "run.sh: emulator exited:"; cat "$workdir/emulator.log"; exit 1; }
  sleep 0.05
done
[ -s "$port_file" ] || { echo "run.sh: no port file after 10 s"; cat "$workdir/emulator.log"; exit 1; }
port="$(tr -dc '0-9' < "$port_file")"

status=0
NODE_PATH="$node_modules" node "$here/conformance.js" --port "$port" --seed "$workdir/seed" \
  --client-id "$client_id" --client-secret "$client_secret" --org-name "$org_name" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- emulator log (last 40 lines) ---"
  tail -n 40 "$workdir/emulator.log"
fi
exit "$status"
