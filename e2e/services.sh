# Starts switchboard and the fake Microsoft on free ports with a throwaway database; sourced by
# the end-to-end runs. Sets BASE, FAKE, WORK and SB_ENV (the settings, for the CLI too); stops
# both and removes WORK on exit.
cargo build -q --bin switchboard --example fake_microsoft
WORK=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
fake_port=$(free_port); port=$(free_port)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

BASE="http://127.0.0.1:$port"
FAKE="http://127.0.0.1:$fake_port"
SB_ENV=(
  SWITCHBOARD_LISTEN="127.0.0.1:$port"
  SWITCHBOARD_PUBLIC_URL="$BASE"
  SWITCHBOARD_DATABASE_URL="sqlite://$WORK/e2e.db?mode=rwc"
  SWITCHBOARD_MASTER_KEY="$(head -c 32 /dev/urandom | base64)"
  SWITCHBOARD_OFFICE365_LOGIN_URL="$FAKE"
  SWITCHBOARD_OFFICE365_GRAPH_URL="$FAKE/v1.0"
)
target/debug/examples/fake_microsoft "127.0.0.1:$fake_port" >"$WORK/fake.log" 2>&1 &
pids+=($!)
env "${SB_ENV[@]}" target/debug/switchboard serve >"$WORK/switchboard.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -sf "$BASE/healthz" >/dev/null && curl -s "$FAKE/" >/dev/null && break
  sleep 0.1
done
export BASE FAKE WORK
