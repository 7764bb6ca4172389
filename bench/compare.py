"""switchboard beside nginx, in one run (started by bench/compare, which builds and installs).

1. Record: the fake Microsoft behind a recording nginx (`proxy_store`); switchboard links the
   accounts through it and makes each benchmarked call once, so every Graph answer it needs is
   saved as a file named by its path.
2. Serve: nginx serves those files (the upstream, no latency) and proxies to them on a second
   port (the yardstick); switchboard restarts on the same database pointed at the upstream.
3. Drive: wrk, one row at a time, the account tokens taken in turn; then the table.
"""

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# SWITCHBOARD_BIN: another build to measure (say, one from before a change).
SWITCHBOARD = os.environ.get("SWITCHBOARD_BIN") or os.path.join(ROOT, "target/release/switchboard")
FAKE = os.path.join(ROOT, "target/release/examples/fake_microsoft")
AZURE_CLIENT = "4a1b2c3d-0000-4000-8000-00000000be0c"
AZURE_SECRET = "bench~secret~value"
RANGE = "timeMin=2026-12-01T00:00:00Z&timeMax=2026-12-08T00:00:00Z"
# What an app calling Graph through nginx sends: a Microsoft access token, as long as the fake's
# (tests/fake_microsoft/identity.rs: 2,100 characters), which switchboard sends upstream too.
GRAPH_TOKEN = "EwBwA8l6BAAU" + "x" * (2100 - 12)
# (row, path on switchboard, path on nginx or None); the nginx rows come first.
ROWS = [
    ("upstream directly", None, "upstream:/v1.0/me/messages"),
    ("nginx proxy_pass", None, "proxy:/v1.0/me/messages"),
    ("GET /v1/direct/me/messages", "/v1/direct/me/messages", None),
    ("GET /v1/email/messages (25, mapped)", "/v1/email/messages?limit=25", None),
    ("GET /v1/calendars/primary/events/range", "/v1/calendars/primary/events/range?" + RANGE, None),
    ("GET /v1/account", "/v1/account", None),
]

# Rows also measured one call at a time, for the latency switchboard adds to a call.
ONE_AT_A_TIME = ["nginx proxy_pass", "GET /v1/direct/me/messages", "GET /v1/email/messages (25, mapped)"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{url} did not answer within {seconds} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def call(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with OPENER.open(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class Bench:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="switchboard-bench-")
        self.fixtures = os.path.join(self.dir, "fixtures")
        self.many = []
        self.lookups = None
        os.makedirs(self.fixtures)
        self.processes = []
        self.ports = {name: free_port() for name in ("fake", "recorder", "upstream", "proxy", "switchboard")}
        self.base = f"http://127.0.0.1:{self.ports['switchboard']}"
        self.database = args.database or f"sqlite://{self.dir}/switchboard.db?mode=rwc"
        key = base64.b64encode(os.urandom(32)).decode()
        self.env = dict(
            os.environ,
            SWITCHBOARD_LISTEN=f"127.0.0.1:{self.ports['switchboard']}",
            SWITCHBOARD_PUBLIC_URL=self.base,
            SWITCHBOARD_DATABASE_URL=self.database,
            SWITCHBOARD_MASTER_KEY=key,
            SWITCHBOARD_OFFICE365_LOGIN_URL=f"http://127.0.0.1:{self.ports['fake']}",
            SWITCHBOARD_LOG="warn",
            SWITCHBOARD_WEBHOOK_PUSH="off",
        )

    def start(self, argv, log, env=None):
        out = open(os.path.join(self.dir, log), "ab")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=self.dir)
        self.processes.append(p)
        return p

    def stop(self, p):
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        self.processes.remove(p)

    def nginx(self, name, servers):
        nginx_dir = os.path.join(self.dir, name)
        os.makedirs(nginx_dir, exist_ok=True)
        conf = os.path.join(nginx_dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
worker_processes auto;
daemon off;
user root;
pid {nginx_dir}/nginx.pid;
error_log {nginx_dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    types {{ application/json json; }}
    default_type application/json;
    client_body_temp_path {nginx_dir}/body;
    proxy_temp_path {nginx_dir}/proxy;
    keepalive_requests 1000000;
    {servers}
}}
""")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        p = self.start([nginx, "-c", conf, "-p", nginx_dir, "-e", f"{nginx_dir}/error.log"], f"{name}.log")
        return p

    def switchboard(self, graph_url, **extra):
        env = dict(self.env, SWITCHBOARD_OFFICE365_GRAPH_URL=graph_url, **extra)
        started = time.time()
        p = self.start([SWITCHBOARD, "serve"], "switchboard.log", env)
        wait_for(self.base + "/healthz")
        return p, time.time() - started

    def cli(self, *argv):
        env = dict(self.env, SWITCHBOARD_OFFICE365_GRAPH_URL="http://127.0.0.1:1/v1.0")
        return subprocess.run([SWITCHBOARD, *argv], env=env, cwd=self.dir, check=True,
                              capture_output=True, text=True).stdout

    # 1. Record.
    def record(self):
        fake = f"http://127.0.0.1:{self.ports['fake']}"
        fake_process = self.start([FAKE, f"127.0.0.1:{self.ports['fake']}"], "fake.log")
        wait_for(fake + "/_fake/counters")
        recorder = self.nginx("recorder", f"""
    server {{
        listen 127.0.0.1:{self.ports['recorder']};
        location / {{
            proxy_pass {fake};
            proxy_store {self.fixtures}$uri.json;
            proxy_store_access user:rw group:r all:r;
        }}
    }}""")
        wait_for(f"http://127.0.0.1:{self.ports['recorder']}/_fake/counters")
        created = self.cli("app", "create", "--name", "bench", "--return-url", self.base + "/linked")
        client_id = re.search(r"clientId:\s+(\S+)", created).group(1)
        client_secret = re.search(r"clientSecret:\s+(\S+)", created).group(1)
        secret_file = os.path.join(self.dir, "azure.secret")
        with open(secret_file, "w") as f:
            f.write(AZURE_SECRET)
        self.cli("app", "office365", client_id, "--azure-client-id", AZURE_CLIENT,
                 "--azure-client-secret-file", secret_file, "--authority", "common")
        call("POST", fake + "/_fake/apps", {"clientId": AZURE_CLIENT, "secret": AZURE_SECRET,
                                            "redirectUris": [self.base + "/v1/auth/callback"]})
        p, _ = self.switchboard(f"http://127.0.0.1:{self.ports['recorder']}/v1.0")
        self.tokens = []
        basic = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        for n in range(self.args.linked):
            email = f"user{n}@contoso.com"
            call("POST", fake + "/_fake/users", {"email": email, "name": f"User {n}"})
            call("POST", fake + f"/_fake/users/{email}/messages", {"count": 25})
            self.tokens.append(self.link(client_id, basic))
        self.client = (client_id, basic)
        first = {"Authorization": "Bearer " + self.tokens[0]}
        for day in range(1, 8):
            event = {"subject": f"Meeting {day}",
                     "start": {"dateTime": f"2026-12-0{day}T10:00:00Z"},
                     "end": {"dateTime": f"2026-12-0{day}T11:00:00Z"}}
            status, _, body = call("POST", self.base + "/v1/calendars/primary/events", event, first)
            assert status in (200, 201), (status, body[:300])
        # Each call once, so that its Graph answers are recorded (the direct API first: the mail
        # listing asks for the same path with its $select, and the last answer is kept).
        for row, path, _ in ROWS:
            if path:
                status, _, body = call("GET", self.base + path, None, first)
                assert status == 200, (row, status, body[:300])
        self.stop(p)
        self.stop(recorder)
        self.stop(fake_process)
        # The token endpoint stays the fake's: nothing is refreshed within the run (an hour's
        # token), but a start may look.
        self.start([FAKE, f"127.0.0.1:{self.ports['fake']}"], "fake.log")

    def link(self, client_id, basic):
        query = urllib.parse.urlencode({"clientId": client_id, "serviceType": "Office365",
                                        "scopes": "Mail.Read Calendar.ReadWrite",
                                        "returnUrl": self.base + "/linked"})
        url = f"{self.base}/v1/auth/authorize?{query}"
        cookies = {}
        for _ in range(10):
            header = "; ".join(f"{k}={v}" for k, v in cookies.items())
            status, headers, body = call("GET", url, None, {"Cookie": header} if header else {})
            for name, value in headers.items():
                if name.lower() == "set-cookie":
                    k, v = value.split(";")[0].split("=", 1)
                    cookies[k] = v
            assert status in (302, 303, 307), (url, status, body[:300])
            url = urllib.parse.urljoin(url, headers.get("Location") or headers.get("location"))
            if url.startswith(self.base + "/linked"):
                code = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["code"][0]
                status, _, body = call("POST", f"{self.base}/v1/auth/token/{code}", None,
                                       {"Authorization": basic})
                assert status in (200, 201), (status, body[:300])
                return json.loads(body)["accessToken"]
        sys.exit("linking did not come back to the return URL")

    # 1b. Many accounts: copies of the first linked one, each with its own account token, written
    # straight into the database (linking 100,000 through Microsoft's sign-in would take hours).
    COPY = ("app_id, service_type, tenant_id, {object}, {email}, name, timezone, auth_scopes, "
            "permissions, token_status, auth_obtained_at, created_at, updated_at, kind")
    COLUMNS = ("app_id, service_type, tenant_id, object_id, email, name, timezone, auth_scopes, "
               "permissions, token_status, auth_obtained_at, created_at, updated_at, kind")

    def generate(self, count):
        started = time.time()
        if self.database.startswith("postgres"):
            sql = f"""
INSERT INTO accounts ({self.COLUMNS}) SELECT {self.COPY.format(object="'bench-' || n", email="'bench' || n || '@contoso.com'")}
  FROM accounts, generate_series(1, {count}) n WHERE id = 1;
INSERT INTO account_tokens (token_hash, account_id, created_at)
  SELECT sha256('switchboard secret'::bytea || '\\x00'::bytea || convert_to('bench-token-' || id, 'UTF8')), id, 0
  FROM accounts WHERE object_id LIKE 'bench-%';
INSERT INTO provider_tokens (account_id, access_token_enc, refresh_token_enc, access_expires_at, refreshed_at)
  SELECT a.id, t.access_token_enc, t.refresh_token_enc, t.access_expires_at, t.refreshed_at
  FROM accounts a, provider_tokens t WHERE t.account_id = 1 AND a.object_id LIKE 'bench-%';
SELECT id FROM accounts WHERE object_id LIKE 'bench-%' ORDER BY id;"""
            out = subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", self.database, "-c", sql],
                                 check=True, capture_output=True, text=True).stdout
            ids = [int(line) for line in out.split()]
        else:
            con = sqlite3.connect(self.sqlite_path())
            with con:
                con.executemany(
                    f"INSERT INTO accounts ({self.COLUMNS}) SELECT {self.COPY.format(object='?', email='?')} "
                    "FROM accounts WHERE id = 1",
                    ((f"bench-{n}", f"bench{n}@contoso.com") for n in range(count)))
                ids = [r[0] for r in con.execute("SELECT id FROM accounts WHERE object_id LIKE 'bench-%' ORDER BY id")]
                con.executemany("INSERT INTO account_tokens (token_hash, account_id, created_at) VALUES (?, ?, 0)",
                                ((hashlib.sha256(b"switchboard secret\0" + f"bench-token-{i}".encode()).digest(), i)
                                 for i in ids))
                con.execute("INSERT INTO provider_tokens (account_id, access_token_enc, refresh_token_enc, "
                            "access_expires_at, refreshed_at) SELECT a.id, t.access_token_enc, t.refresh_token_enc, "
                            "t.access_expires_at, t.refreshed_at FROM accounts a, provider_tokens t "
                            "WHERE t.account_id = 1 AND a.object_id LIKE 'bench-%'")
            con.close()
        self.many = [f"bench-token-{i}" for i in ids]
        print(f"{len(ids):,} more accounts written in {time.time() - started:.1f} s")

    # 2. Serve.
    def serve(self):
        upstream = self.ports["upstream"]
        self.proxy = self.nginx("nginx", f"""
    upstream graph {{ server 127.0.0.1:{upstream}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{upstream};
        location / {{
            root {self.fixtures};
            try_files $uri.json =404;
            error_page 405 =200 $uri.json;
        }}
    }}
    server {{
        listen 127.0.0.1:{self.ports['proxy']};
        location / {{
            proxy_pass http://graph;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}""")
        wait_for(f"http://127.0.0.1:{self.ports['proxy']}/v1.0/me")
        self.server, self.start_seconds = self.switchboard(f"http://127.0.0.1:{upstream}/v1.0")

    # 3. Drive.
    def wrk(self, url, tokens, seconds, connections=None):
        script = os.path.join(self.dir, "tokens.lua")
        with open(script, "w") as f:
            f.write("tokens = {" + ",".join(json.dumps(t) for t in tokens) + "}\n")
            f.write("n = 0\nrequest = function()\n  n = n % #tokens + 1\n"
                    "  return wrk.format(nil, nil, {Authorization = 'Bearer ' .. tokens[n]})\nend\n"
                    "done = function(summary, latency, requests)\n"
                    "  io.write(string.format('RESULT %d %d %d %d %d\\n', summary.requests,\n"
                    "    summary.duration, latency:percentile(50), latency:percentile(99),\n"
                    "    summary.errors.status + summary.errors.connect + summary.errors.read\n"
                    "    + summary.errors.write + summary.errors.timeout))\nend\n")
        out = subprocess.run(["wrk", "-t1", f"-c{connections or self.args.connections}", f"-d{seconds}s",
                              "-s", script, url], capture_output=True, text=True, check=True).stdout
        requests, micros, p50, p99, errors = map(int, re.search(r"RESULT (.*)", out).group(1).split())
        return {"rps": requests / (micros / 1e6), "p50": p50 / 1000, "p99": p99 / 1000, "errors": errors,
                "requests": requests}

    def drive_rows(self, first):
        """One round: each row in turn (a profile of each switchboard row in the first)."""
        results = []
        for row, path, nginx_path in ROWS:
            if nginx_path:
                which, path = nginx_path.split(":", 1)
                url, tokens = f"http://127.0.0.1:{self.ports[which]}{path}", [GRAPH_TOKEN]
            else:
                url, tokens = self.base + path, self.tokens
            status, _, body = call("GET", url, None, {"Authorization": "Bearer " + self.tokens[0]})
            assert status == 200, (row, status, body[:300])
            self.wrk(url, tokens, 1)
            perf = None
            if self.args.perf and first and not nginx_path:
                data = os.path.join(self.dir, re.sub(r"\W+", "_", path).strip("_") + ".perf")
                perf = subprocess.Popen(["perf", "record", "-F", "499", "--call-graph", "dwarf,16384", "-o", data, "-p",
                                         str(self.server.pid)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
            measured = self.proxy.pid if nginx_path else self.server.pid
            cpu = cpu_seconds(measured)
            result = self.wrk(url, tokens, self.args.seconds)
            result["cpu"] = (cpu_seconds(measured) - cpu) / result["requests"] * 1e6
            results.append((row, result))
            if perf:
                perf.send_signal(signal.SIGINT)
                perf.wait()
                print(f"profile of {row}: perf report -i {data}")
        return results

    def drive(self):
        rounds = [self.drive_rows(first=n == 0) for n in range(self.args.rounds)]
        results = combined(rounds)
        self.alone = {}
        for row, path, nginx_path in ROWS:
            if row in ONE_AT_A_TIME:
                which, nginx = (nginx_path or ":").split(":", 1)
                url = f"http://127.0.0.1:{self.ports[which]}{nginx}" if nginx_path else self.base + path
                self.alone[row] = self.wrk(url, [GRAPH_TOKEN] if nginx_path else self.tokens, 3, connections=1)
        if self.many:
            url = self.base + "/v1/account"
            status, _, body = call("GET", url, None, {"Authorization": "Bearer " + self.many[-1]})
            assert status == 200, (status, body[:300])
            self.wrk(url, self.many, 1)
            row = f"GET /v1/account, tokens of all {len(self.many) + len(self.tokens):,} accounts in turn"
            cpu = cpu_seconds(self.server.pid)
            result = self.wrk(url, self.many, self.args.seconds)
            result["cpu"] = (cpu_seconds(self.server.pid) - cpu) / result["requests"] * 1e6
            proxy = dict(results)["nginx proxy_pass"]
            result["ratio"], result["p99_ratio"] = [result["rps"] / proxy["rps"]], [result["p99"] / proxy["p99"]]
            results.append((row, result))
        self.rss = peak_rss(self.server.pid)
        self.rss_parts = rss_parts(self.server.pid)
        return results

    # 3b. Look-ups that read the store every time (SWITCHBOARD_CACHE_SECONDS=0): the linked
    # accounts' tokens on a copy of the database made before the many were written, the same
    # tokens on the database with them (the size of the store alone), and all the accounts' tokens,
    # taken in turn round after round, so that the machine's drift falls on all alike.
    def snapshot(self):
        """A copy of the database as it is now; its URL."""
        if self.database.startswith("postgres"):
            server, name = self.database.split("?")[0].rsplit("/", 1)
            copy = f"{name}_few"
            subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", f"{server}/postgres",
                            "-c", f"DROP DATABASE IF EXISTS {copy}",
                            "-c", f"CREATE DATABASE {copy} TEMPLATE {name}"], check=True, capture_output=True)
            return f"{server}/{copy}"
        path = self.sqlite_path()
        for suffix in ("", "-wal"):
            if os.path.exists(path + suffix):
                shutil.copy(path + suffix, os.path.join(self.dir, "few.db" + suffix))
        return f"sqlite://{self.dir}/few.db"

    def sqlite_path(self):
        return urllib.parse.urlparse(self.database.split("?")[0].replace("sqlite://", "file://")).path

    def store_lookups(self, tokens, database):
        server, _ = self.switchboard(f"http://127.0.0.1:{self.ports['upstream']}/v1.0",
                                     SWITCHBOARD_CACHE_SECONDS="0", SWITCHBOARD_DATABASE_URL=database)
        url = self.base + "/v1/account"
        self.wrk(url, tokens, 1)
        result = self.wrk(url, tokens, self.args.seconds)
        self.stop(server)
        return result

    def report(self, results):
        proxy = dict(results)["nginx proxy_pass"]
        # The proxy row's nginx also served the upstream: its own share is the difference.
        proxy_cpu = proxy["cpu"] - dict(results)["upstream directly"]["cpu"]
        store = "PostgreSQL" if self.database.startswith("postgres") else "SQLite"
        accounts = self.args.linked + len(self.many)
        print(f"\n{store}, {accounts:,} accounts ({self.args.linked} linked), wrk -t1 -c{self.args.connections} "
              f"-d{self.args.seconds}s, {os.cpu_count()} cores\n")
        print("| path | req/s | p50 ms | p99 ms | throughput vs nginx proxy_pass | p99 vs nginx "
              "| CPU µs/request | errors |")
        print("|---|---|---|---|---|---|---|---|")
        for row, r in results:
            cpu = proxy_cpu if row == "nginx proxy_pass" else r["cpu"]
            print(f"| {row} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                  f"{spread(r['ratio'])} | {spread(r['p99_ratio'])} | "
                  f"{cpu:.0f} ({cpu / proxy_cpu:.1f}×) | {r['errors']} |")
        if self.args.rounds > 1:
            print(f"\n{self.args.rounds} rounds of every row: the median of each figure, and of each ratio "
                  "(taken within a round) with its range in parentheses.")
        print("\nCPU µs/request: the process under test's user+system time over the requests it served "
              "(nginx proxy_pass: its own share, the upstream's taken off); in parentheses, against "
              "nginx proxy_pass.")
        alone = self.alone["nginx proxy_pass"]
        print(f"\nOne call at a time (wrk -c1, 3 s): nginx proxy_pass p50 {alone['p50']:.2f} ms, "
              f"p99 {alone['p99']:.2f} ms; what switchboard adds to a call's p50:")
        for row, r in self.alone.items():
            if row != "nginx proxy_pass":
                print(f"- {row}: p50 {r['p50']:.2f} ms (+{r['p50'] - alone['p50']:.2f} ms), "
                      f"p99 {r['p99']:.2f} ms")
        anon, file = self.rss_parts
        print(f"\nswitchboard: peak RSS {self.rss / 1024:.1f} MB, started in {self.start_seconds:.2f} s; "
              f"at the end {anon / 1024:.1f} MB its own memory and {file / 1024:.1f} MB of mapped files, each page "
              "counted once (the binary: the database is read, not mapped)")
        if self.lookups:
            few, many, rounds = self.lookups
            print(f"\nLook-ups read from the store every time (SWITCHBOARD_CACHE_SECONDS=0, wrk -c"
                  f"{self.args.connections}), GET /v1/account, {len(rounds['few'])} round(s) in turn"
                  f"{' (medians)' if len(rounds['few']) > 1 else ''}:")
            print(f"- {few:,} accounts, their tokens in turn: {lookup_figures(rounds['few'])}")
            for key, what in (("same", f"the same {few} accounts' tokens"), ("all", "all their tokens")):
                ratios = [m["p50"] / f["p50"] - 1 for f, m in zip(rounds["few"], rounds[key])]
                print(f"- {many:,} accounts, {what} in turn: {lookup_figures(rounds[key])}; p50 against "
                      f"{few:,} accounts {spread(ratios, percent, percent, ' to ')}")
            print(f"  (ranges: within a round; the same tokens: the size of the store alone; all tokens: also a "
                  f"different account for nearly every call, so look-ups asked at once no longer share a read, "
                  f"and each reads pages not in the CPU's caches)")

    def close(self):
        for p in list(self.processes):
            self.stop(p)
        if self.args.keep:
            print(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def combined(rounds):
    """The rows of several rounds as one: each figure's median, each ratio against nginx
    proxy_pass taken within its round (then its median and range), errors added up."""
    rows = []
    for n, (row, _) in enumerate(rounds[0]):
        each = [r[n][1] for r in rounds]
        proxies = [dict(r)["nginx proxy_pass"] for r in rounds]
        result = medians(each, ("rps", "p50", "p99", "cpu"))
        result["errors"] = sum(e["errors"] for e in each)
        result["ratio"] = [e["rps"] / p["rps"] for e, p in zip(each, proxies)]
        result["p99_ratio"] = [e["p99"] / p["p99"] for e, p in zip(each, proxies)]
        rows.append((row, result))
    return rows


def spread(ratios, show=lambda r: f"{r:.2f}×", end=lambda r: f"{r:.2f}", between="–"):
    """The median of ratios taken within rounds, with their range when there are several."""
    if len(ratios) == 1:
        return show(ratios[0])
    return f"{show(statistics.median(ratios))} ({end(min(ratios))}{between}{end(max(ratios))})"


def percent(r):
    return f"{r:+.0%}"


def medians(runs, keys=("rps", "p50", "p99")):
    """Each figure's median over several runs of a row."""
    return {k: statistics.median(r[k] for r in runs) for k in keys}


def cpu_seconds(pid):
    """User and system time of a process and its children (nginx's workers), in seconds."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def rss_parts(pid):
    """Memory now, in kB: the process's own (anonymous) and its mapped files', each page counted
    once (proportional set size: every SQLite connection maps the same database pages)."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        rollup = f.read()
    return tuple(int(re.search(rf"{name}:\s+(\d+) kB", rollup).group(1)) for name in ("Pss_Anon", "Pss_File"))


def peak_rss(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))


def lookup_figures(runs):
    """Medians of a look-up row's rounds."""
    m = medians(runs)
    return f"{m['rps']:,.0f} req/s, p50 {m['p50']:.2f} ms, p99 {m['p99']:.2f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--linked", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every row this many times, in turn, and report medians and ranges")
    parser.add_argument("--accounts", type=int, default=0,
                        help="this many accounts in all (copies of a linked one), e.g. 100000")
    parser.add_argument("--perf", action="store_true",
                        help="record a CPU profile of switchboard for each of its rows (implies --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, fixtures)")
    args = parser.parse_args()
    args.keep = args.keep or args.perf
    bench = Bench(args)
    try:
        bench.record()
        if args.accounts > args.linked:
            few_database = bench.snapshot()
            bench.generate(args.accounts - args.linked)
            rows = [("few", bench.tokens, few_database), ("same", bench.tokens, bench.database),
                    ("all", bench.many + bench.tokens, bench.database)]
            rounds = {key: [] for key, _, _ in rows}
            for n in range(args.rounds):
                # Every other round the other way round, so that neither side always goes first.
                for key, tokens, database in rows if n % 2 == 0 else reversed(rows):
                    rounds[key].append(bench.store_lookups(tokens, database))
            bench.lookups = (args.linked, len(bench.many) + args.linked, rounds)
        bench.serve()
        bench.report(bench.drive())
    finally:
        bench.close()


if __name__ == "__main__":
    main()
