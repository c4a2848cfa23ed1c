"""A local SMS gateway for tests and demos: the request shape of app/services/sms/gateway.py on 127.0.0.1.

It checks each request's HMAC signature, records every send, answers the same result again for an OutId it
has seen (idempotency), keeps a balance, and queues a delivery report per number (FAILED for numbers in
`undeliverable`). Knobs for the failure tests: `delay` (seconds per send), `fail_next` (answer HTTP 500 so
many times), `error_code` (answer that Code instead of OK).

    python -m tests.messaging.sms_gateway --port 20080 --secret demo-secret   # by hand, for a demo
"""

import argparse
import hashlib
import hmac
import itertools
import json
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class SentRequest:
    out_id: str
    numbers: list[str]
    sign_name: str
    content: str


@dataclass
class GatewayState:
    access_key: str = "xingzhu"
    secret: str = "gateway-secret"
    balance: int = 10_000
    delay: float = 0.0
    fail_next: int = 0
    error_code: str | None = None
    undeliverable: set[str] = field(default_factory=set)
    sends: list[SentRequest] = field(default_factory=list)
    repeated_out_ids: list[str] = field(default_factory=list)
    reports: list[dict] = field(default_factory=list)
    results: dict[str, dict] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def numbers(self) -> list[str]:
        """Every number texted, in order (a duplicate text shows up twice here)."""
        return [n for s in self.sends for n in s.numbers]


def _json(data, status=200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")


class LocalGateway:
    def __init__(self, state: GatewayState | None = None):
        self.state = state or GatewayState()
        self._ids = itertools.count(1)

    def __call__(self, environ, start_response):
        return self.handle(Request(environ))(environ, start_response)

    def handle(self, request: Request) -> Response:
        state = self.state
        body = request.get_data()
        expected = hmac.new(state.secret.encode(), body, hashlib.sha256).hexdigest()
        if request.headers.get("X-Access-Key") != state.access_key or not hmac.compare_digest(
                request.headers.get("X-Signature", ""), expected):
            return _json({"Code": "InvalidAccessKeyId", "Message": "签名校验失败"}, 403)
        if request.path == "/sms/balance":
            return _json({"Code": "OK", "Balance": state.balance})
        if request.path == "/sms/reports":
            with state.lock:
                reports, state.reports = state.reports, []
            return _json({"Code": "OK", "Reports": reports})
        if request.path == "/sms/send" and request.method == "POST":
            return self._send(json.loads(body))
        return _json({"Code": "NotFound"}, 404)

    def _send(self, payload: dict) -> Response:
        state = self.state
        if state.delay:
            time.sleep(state.delay)
        with state.lock:
            if state.fail_next > 0:
                state.fail_next -= 1
                return _json({"Code": "InternalError", "Message": "busy"}, 500)
            if state.error_code:
                return _json({"Code": state.error_code, "Message": f"{state.error_code}: 拒绝发送"})
            out_id = payload["OutId"]
            if out_id in state.results:
                state.repeated_out_ids.append(out_id)
                return _json(state.results[out_id])
            numbers = [n for n in payload["PhoneNumbers"].split(",") if n]
            text = f"【{payload['SignName']}】{payload['Content']}"
            parts = 1 if len(text) <= 70 else math.ceil(len(text) / 67)
            state.balance -= parts * len(numbers)
            state.sends.append(SentRequest(out_id, numbers, payload["SignName"], payload["Content"]))
            now = datetime.now().isoformat(timespec="seconds")
            for number in numbers:
                failed = number in state.undeliverable
                state.reports.append({"OutId": out_id, "PhoneNumber": number, "ReportTime": now,
                                      "Status": "FAILED" if failed else "DELIVERED",
                                      "ErrCode": "MK:0012 用户停机" if failed else None})
            result = {"Code": "OK", "BizId": f"biz{next(self._ids)}", "Rejected": []}
            state.results[out_id] = result
            return _json(result)


class GatewayServer:
    """The gateway on 127.0.0.1 in a thread; `url` is what an SmsAccount's gateway_url takes."""

    def __init__(self, state: GatewayState | None = None, port: int = 0):
        self.gateway = LocalGateway(state)
        self.server = make_server("127.0.0.1", port, self.gateway, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def state(self) -> GatewayState:
        return self.gateway.state

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description="Local SMS gateway for demos (127.0.0.1 only)")
    parser.add_argument("--port", type=int, default=20080)
    parser.add_argument("--access-key", default="xingzhu")
    parser.add_argument("--secret", default="gateway-secret")
    args = parser.parse_args()
    state = GatewayState(access_key=args.access_key, secret=args.secret)
    print(f"短信测试网关：http://127.0.0.1:{args.port}  账号 {args.access_key}  密码 {args.secret}")
    make_server("127.0.0.1", args.port, LocalGateway(state), threaded=True).serve_forever()


if __name__ == "__main__":
    main()
