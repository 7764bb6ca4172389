#!/usr/bin/env python3
"""Memory and availability under hostile clients, measured on the release binary.

    cargo build --release --bin switchboard --example fake_microsoft
    python3 benches/hostile_clients.py [connections]

Starts the fake Microsoft and switchboard (defaults, a throwaway database) and prints, in one run:
the service's resident memory at rest; while one client address holds many connections that
never finish their headers; while many addresses do (up to the connection cap); after they are
gone; while 40 portal sign-ins arrive at once; and while four 45 MB messages are sent at once.
For each phase it also times `/healthz` from an address that is not attacking.
"""
import json
import urllib.parse
import base64
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def healthz(base, timeout=15):
    started = time.monotonic()
    try:
        urllib.request.urlopen(f"{base}/healthz", timeout=timeout).read()
        return f"{(time.monotonic() - started) * 1000:.0f} ms"
    except Exception as e:  # noqa: BLE001 - any failure is the figure
        return f"failed after {time.monotonic() - started:.1f} s ({type(e).__name__})"


def slow_clients(port, count, sources):
    """Connections that send half a request and then nothing, spread over `sources` addresses."""
    held = []
    for n in range(count):
        s = socket.socket()
        s.setblocking(True)
        source = f"127.0.{(n % sources) // 250 + 1}.{(n % sources) % 250 + 2}"
        try:
            s.bind((source, 0))
            s.settimeout(2)
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            held.append(s)
        except OSError:
            s.close()
    return held


def still_open(sockets):
    alive = 0
    for s in sockets:
        s.setblocking(False)
        try:
            data = s.recv(1)
            if data:
                alive += 1
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    return alive


def cli(env, *args):
    out = subprocess.run([os.path.join(BIN, "switchboard"), *args, "--json"], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def link(base, fake, env, work):
    """An app, its Azure registration on the fake, a user with a mailbox, linked: the account token."""
    app = cli(env, "app", "create", "--name", "Bench", "--return-url", "http://localhost/back")
    secret = os.path.join(work, "azure.secret")
    with open(secret, "w") as f:
        f.write("Xy8Q~bench.secret")
    azure = "00001111-aaaa-2222-bbbb-3333cccc4444"
    redirect = cli(env, "app", "office365", app["clientId"], "--azure-client-id", azure,
                   "--azure-client-secret-file", secret)["redirectUri"]

    def post(url, body):
        req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req).read()

    post(f"{fake}/_fake/apps", {"clientId": azure, "secret": "Xy8Q~bench.secret", "redirectUris": [redirect]})
    post(f"{fake}/_fake/users", {"email": "bench@contoso.com", "name": "Bench"})
    opener = urllib.request.build_opener(NoRedirects)
    url = f"{base}/v1/auth/authorize?" + urllib.parse.urlencode(
        {"clientId": app["clientId"], "serviceType": "Office365", "scopes": "Mail.Send Mail.Drafts", "returnUrl": "http://localhost/back"})
    for _ in range(3):
        try:
            opener.open(url)
        except urllib.error.HTTPError as e:
            url = e.headers["Location"]
    code = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["code"][0]
    auth = base64.b64encode(f"{app['clientId']}:{app['clientSecret']}".encode()).decode()
    req = urllib.request.Request(f"{base}/v1/auth/token/{code}", method="POST", headers={"Authorization": f"Basic {auth}"})
    return json.loads(urllib.request.urlopen(req).read())["accessToken"]


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    work = tempfile.mkdtemp()
    fake_port, port = free_port(), free_port()
    fake = subprocess.Popen([os.path.join(BIN, "examples", "fake_microsoft"), f"127.0.0.1:{fake_port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {
        "PATH": os.environ["PATH"],
        "SWITCHBOARD_LISTEN": f"127.0.0.1:{port}",
        "SWITCHBOARD_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SWITCHBOARD_DATABASE_URL": f"sqlite://{work}/bench.db?mode=rwc",
        "SWITCHBOARD_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
        "SWITCHBOARD_OFFICE365_LOGIN_URL": f"http://127.0.0.1:{fake_port}",
        "SWITCHBOARD_OFFICE365_GRAPH_URL": f"http://127.0.0.1:{fake_port}/v1.0",
        "SWITCHBOARD_LOG": "error",
        "SWITCHBOARD_PORTAL_SIGNUP": "open",
    }
    env.update({k: v for k, v in os.environ.items() if k.startswith("SWITCHBOARD_")})
    service = subprocess.Popen([os.path.join(BIN, "switchboard")], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            break
        except Exception:  # noqa: BLE001
            time.sleep(0.05)
    try:
        print(f"{'phase':<52} {'RSS MiB':>8}  /healthz from elsewhere")
        print(f"{'at rest':<52} {rss_mib(service.pid):>8.1f}  {healthz(base)}")
        held = slow_clients(port, count, 1)
        time.sleep(1)
        print(f"{f'{count} half-sent requests from one address':<52} {rss_mib(service.pid):>8.1f}  {healthz(base)}"
              f"   ({still_open(held)} still open)")
        for s in held:
            s.close()
        held = slow_clients(port, count, 2000)
        time.sleep(1)
        print(f"{f'{count} half-sent requests from 2000 addresses':<52} {rss_mib(service.pid):>8.1f}  {healthz(base)}"
              f"   ({still_open(held)} still open)")
        time.sleep(11)
        print(f"{'the same, after the header time-out (10 s)':<52} {rss_mib(service.pid):>8.1f}  {healthz(base)}"
              f"   ({still_open(held)} still open)")
        for s in held:
            s.close()
        time.sleep(1)
        print(f"{'after they closed':<52} {rss_mib(service.pid):>8.1f}  {healthz(base)}")

        peak = [0.0]
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                peak[0] = max(peak[0], rss_mib(service.pid))
                time.sleep(0.01)

        watcher = threading.Thread(target=watch)
        watcher.start()
        answers = []

        def sign_in(n):
            data = f"email=nobody{n}%40example.com&password=guess&csrf=x".encode()
            req = urllib.request.Request(f"{base}/portal/signin", data=data, method="POST",
                                         headers={"Cookie": "sb_form=x", "X-Forwarded-For": f"10.0.0.{n}"})
            try:
                urllib.request.urlopen(req, timeout=30)
                answers.append(200)
            except urllib.error.HTTPError as e:
                answers.append(e.code)
            except Exception:  # noqa: BLE001
                answers.append(0)

        threads = [threading.Thread(target=sign_in, args=(n,)) for n in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        watcher.join()
        tally = {c: answers.count(c) for c in sorted(set(answers))}
        print(f"{'40 sign-ins at once (peak)':<52} {peak[0]:>8.1f}  {healthz(base)}   (answers {tally})")
        token = link(base, f"http://127.0.0.1:{fake_port}", env, work)
        attachment = base64.b64encode(os.urandom(33 * 1024 * 1024)).decode()
        mail = json.dumps({"subject": "Big", "body": "x", "to": [{"address": "a@contoso.com"}],
                           "attachments": [{"name": "big.bin", "content": attachment}]}).encode()
        peak[0] = 0.0
        stop.clear()
        watcher = threading.Thread(target=watch)
        watcher.start()
        sends = []

        def send():
            req = urllib.request.Request(f"{base}/v1/email/messages", data=mail, method="POST",
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            try:
                urllib.request.urlopen(req, timeout=120)
                sends.append(201)
            except urllib.error.HTTPError as e:
                sends.append(e.code)

        threads = [threading.Thread(target=send) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        watcher.join()
        tally = {c: sends.count(c) for c in sorted(set(sends))}
        print(f"{f'four {len(mail) // 2**20} MiB sends at once (peak)':<52} {peak[0]:>8.1f}  {healthz(base)}   (answers {tally})")
        time.sleep(1)
        print(f"{'after the sends':<52} {rss_mib(service.pid):>8.1f}  {healthz(base)}")
    finally:
        service.terminate()
        fake.terminate()
        service.wait()
        fake.wait()


if __name__ == "__main__":
    main()
