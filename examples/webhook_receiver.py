"""A webhook receiver for trying switchboard's webhooks locally: it answers the validation request
and checks each notification's signature with the app's signing secret.

    switchboard app show <clientId> --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["signingSecret"])' > signing.secret
    python3 examples/webhook_receiver.py 8402 signing.secret
    # then subscribe with "notificationUrl": "http://127.0.0.1:8402/hooks"
"""
import hashlib, hmac, json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import urlparse, parse_qs
secret = open(sys.argv[2]).read().strip()
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        q = parse_qs(urlparse(self.path).query)
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if "validationToken" in q:
            self.send_response(200); self.send_header("content-type", "text/plain"); self.end_headers()
            self.wfile.write(q["validationToken"][0].encode()); print("validation answered", flush=True); return
        ts = self.headers["X-Aurinko-Request-Timestamp"]
        expected = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(expected, self.headers["X-Aurinko-Signature"])
        print("signature ok" if ok else "SIGNATURE BAD", json.loads(body), flush=True)
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
