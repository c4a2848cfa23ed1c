"""The SMS gateway adapter: one interface (send a batch, balance, delivery reports) and its HTTP implementation.

The HTTP adapter speaks the request shape of Aliyun's SMS API (短信服务 SendSms / QuerySendDetails), the most
common provider for Chinese 106 channels, over plain JSON:

    POST {gateway_url}/sms/send     {"PhoneNumbers": "13800138000,13900139000", "SignName": "星烛",
                                     "Content": "…", "OutId": "<our request id>"}
        -> {"Code": "OK", "BizId": "…", "Rejected": [{"PhoneNumber": "…", "Message": "…"}]}
    GET  {gateway_url}/sms/balance  -> {"Code": "OK", "Balance": 640}
    GET  {gateway_url}/sms/reports  -> {"Code": "OK", "Reports": [{"OutId", "PhoneNumber",
                                        "Status": "DELIVERED" | "FAILED", "ErrCode", "ReportTime"}]}

Each request carries X-Access-Key (the account's username, Aliyun's AccessKeyId) and X-Signature, an HMAC-SHA256
of the body with the account's secret, so the secret itself never travels. Aliyun takes up to 1,000 numbers
per SendSms and Tencent 200: `numbers_per_request` on the account says how many we put in one request.
The signature is sent as SignName and shown as 【SignName】 before the text. OutId is our idempotency id: we send
the same OutId again only for a request whose answer was lost, and a gateway that honours it (as the test
gateway does) answers the first result instead of texting twice. Aliyun returns OutId in its delivery
reports but does not deduplicate by it, so with Aliyun a lost answer is the one case that can double a text.
Aliyun's own RPC signing (AccessKeyId + HMAC-SHA1 over sorted query parameters) and approved template codes
need a small relay in front of it; a direct adapter would implement this same interface.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import requests


class GatewayError(Exception):
    def __init__(self, message: str, temporary: bool):
        super().__init__(message)
        self.message = message
        self.temporary = temporary


@dataclass
class SubmitResult:
    provider_id: str | None
    rejected: dict[str, str] = field(default_factory=dict)  # number -> reason


@dataclass
class DeliveryReport:
    request_id: str
    mobile: str
    delivered: bool
    error: str | None
    reported_at: datetime | None


class SmsGateway(Protocol):
    def send_batch(self, request_id: str, mobiles: list[str], signature: str, text: str) -> SubmitResult: ...

    def balance(self) -> int: ...

    def delivery_reports(self) -> list[DeliveryReport]: ...


TEMPORARY_CODES = {"isv.BUSINESS_LIMIT_CONTROL", "Throttling", "ServiceUnavailable", "InternalError"}


class HttpGateway:
    def __init__(self, base_url: str, access_key: str, secret: str, timeout: float = 10):
        self.base_url = base_url.rstrip("/")
        self.access_key = access_key
        self.secret = secret
        self.timeout = timeout

    def _headers(self, body: bytes) -> dict:
        signature = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        return {"Content-Type": "application/json; charset=utf-8", "X-Access-Key": self.access_key,
                "X-Signature": signature}

    def _call(self, method: str, path: str, payload: dict | None = None) -> dict:
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
        try:
            response = requests.request(method, f"{self.base_url}{path}", data=body or None,
                                        headers=self._headers(body), timeout=self.timeout)
        except requests.Timeout as exc:
            raise GatewayError("短信网关响应超时", temporary=True) from exc
        except requests.RequestException as exc:
            raise GatewayError(f"无法连接短信网关：{type(exc).__name__}", temporary=True) from exc
        if response.status_code >= 500:
            raise GatewayError(f"短信网关错误（HTTP {response.status_code}）", temporary=True)
        try:
            data = response.json()
        except ValueError as exc:
            raise GatewayError(f"短信网关返回了无法识别的内容（HTTP {response.status_code}）", temporary=False) from exc
        code = str(data.get("Code", ""))
        if code != "OK":
            message = str(data.get("Message") or code or f"HTTP {response.status_code}")[:200]
            raise GatewayError(f"短信网关拒绝：{message}", temporary=code in TEMPORARY_CODES)
        return data

    def send_batch(self, request_id, mobiles, signature, text) -> SubmitResult:
        data = self._call("POST", "/sms/send", {"PhoneNumbers": ",".join(mobiles), "SignName": signature,
                                                 "Content": text, "OutId": request_id})
        rejected = {str(r.get("PhoneNumber")): str(r.get("Message") or "号码被拒绝")[:200]
                    for r in data.get("Rejected") or []}
        return SubmitResult(provider_id=data.get("BizId"), rejected=rejected)

    def balance(self) -> int:
        return int(self._call("GET", "/sms/balance").get("Balance", 0))

    def delivery_reports(self) -> list[DeliveryReport]:
        reports = []
        for row in self._call("GET", "/sms/reports").get("Reports") or []:
            when = row.get("ReportTime")
            try:
                reported = datetime.fromisoformat(when) if when else None
            except ValueError:
                reported = None
            reports.append(DeliveryReport(request_id=str(row.get("OutId", "")), mobile=str(row.get("PhoneNumber", "")),
                                          delivered=row.get("Status") == "DELIVERED",
                                          error=str(row.get("ErrCode"))[:200] if row.get("ErrCode") else None,
                                          reported_at=reported))
        return reports
