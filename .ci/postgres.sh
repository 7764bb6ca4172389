# A throwaway PostgreSQL cluster for the suites that run on PostgreSQL. Sourced by .ci/run:
# installs Debian's packages when no initdb is found, makes a cluster in a temp dir (as the
# postgres user when run as root), starts it on a free port on 127.0.0.1 with trust
# authentication, creates the database `switchboard`, exports SWITCHBOARD_TEST_POSTGRES_URL, and
# stops and removes the cluster when the shell exits.
pg_bin() {
  local found
  found=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$found" ] && dirname "$(readlink -f "$found")"
}
PG_BIN=$(pg_bin || true)
if [ -z "$PG_BIN" ]; then
  echo "== installing PostgreSQL (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  PG_BIN=$(pg_bin)
fi
PG_DIR=$(mktemp -d)
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$PG_DIR/initdb.log"
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null
stop_postgres() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap stop_postgres EXIT
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres switchboard
export SWITCHBOARD_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/switchboard"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $SWITCHBOARD_TEST_POSTGRES_URL"
