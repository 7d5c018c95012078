"""Firebase-style ID tokens signed by a local key, whose certificate is served on loopback, for tests and
the load benchmark.

With FIREBASE_ID_TOKEN_CERT_URL pointing at `cert_url`, firebase-admin really checks signature, expiry,
audience and issuer, exactly as against Google's certificates, and no Google host is contacted. With
FIREBASE_AUTH_API_URL pointing at `api_url`, the revocation check's user look-up (Identity Toolkit's
`accounts:lookup`) is answered here too: every user exists, enabled, never revoked.
"""

import datetime as dt
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from typing_extensions import override


def _key_and_certificate() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hamqadam-test-signer")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM).decode()


class TokenIssuer:
    """Signs ID tokens for `project_id` and serves the matching certificate at `cert_url`."""

    def __init__(self, project_id: str) -> None:
        self.project_id = project_id
        self.kid = uuid.uuid4().hex
        self._key, certificate = _key_and_certificate()
        self._other_key, _ = _key_and_certificate()
        body = json.dumps({self.kid: certificate}).encode()
        self.lookups: list[str] = []  # the uids Identity Toolkit was asked about, in order
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._answer(body, cache="public, max-age=3600")

            def do_POST(self) -> None:
                asked = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if not self.path.endswith("/accounts:lookup"):
                    self.send_error(404)
                    return
                issuer.lookups.extend(asked["localId"])
                users = [{"localId": uid, "disabled": False, "validSince": "0"} for uid in asked["localId"]]
                self._answer(json.dumps({"users": users}).encode(), cache="no-store")

            def _answer(self, payload: bytes, *, cache: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Cache-Control", cache)
                self.end_headers()
                self.wfile.write(payload)

            @override
            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def cert_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/certs"

    @property
    def api_url(self) -> str:
        """Identity Toolkit's v1 base URL, answered here."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def sign(
        self,
        uid: str,
        *,
        email: str | None = None,
        expires_in_s: int = 3600,
        audience: str | None = None,
        issuer: str | None = None,
        forged: bool = False,
    ) -> str:
        claims = token_claims(self.project_id, uid, email=email, expires_in_s=expires_in_s)
        claims["iss"] = issuer or claims["iss"]
        claims["aud"] = audience or claims["aud"]
        key = self._other_key if forged else self._key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def signer(self) -> dict[str, str]:
        """What another process needs to sign tokens this issuer vouches for (`sign_as`): a test key."""
        pem = self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return {"project_id": self.project_id, "kid": self.kid, "key_pem": pem.decode()}

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def token_claims(
    project_id: str, uid: str, *, email: str | None = None, expires_in_s: int = 3600
) -> dict[str, Any]:
    """The claims of a Firebase ID token for `uid`, issued a minute ago (an expired one: two hours ago)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": f"https://securetoken.google.com/{project_id}",
        "aud": project_id,
        "sub": uid,
        "user_id": uid,
        "auth_time": now - 60,
        "iat": now - 60 if expires_in_s > 0 else now - 7200,
        "exp": now + expires_in_s,
        "firebase": {"sign_in_provider": "password"},
    }
    if email:
        claims["email"] = email
    return claims


def sign_as(signer: dict[str, str], uid: str) -> str:
    """An ID token for `uid` from a `TokenIssuer.signer()` (the load generator's new people)."""
    claims = token_claims(signer["project_id"], uid)
    return jwt.encode(claims, signer["key_pem"], algorithm="RS256", headers={"kid": signer["kid"]})
