"""Redaction of secrets: every line the tool writes passes through `SECRETS`.

The clients register each secret they use (and a Basic credential's base64 form); everything the
CLI writes to stdout and stderr (cli/output.py), the `error:` line and tracebacks (cli/app.py)
and the `--debug` log are scrubbed of all of them, and of credentials we were not told about
(an Authorization header, a Basic value that decodes to `user:password`, OAuth parameters, `key=`
and `token=` in a URL).
"""

from __future__ import annotations

import base64
import binascii
import re

# A Basic credential anywhere ("Basic c2FtQGdvdi...=", as a header or echoed in a body): redacted
# when it decodes to `user:password`, so ordinary words after "basic" are left alone.
_BASIC = re.compile(r"(?i)\b(basic)(\s+|%20|\+)([A-Za-z0-9+/]{6,}={0,2})")
_AUTH_HEADER = re.compile(r"(?i)(authorization:\s*)(basic|bearer)\s+\S+")
_OAUTH_PARAM = re.compile(r'(?i)(oauth_token|oauth_consumer_key)="[^"]*"')
_QUERY_SECRET = re.compile(r"(?i)([?&](?:key|token|api_token)=)[^&\s]+")


def _basic(match: re.Match[str]) -> str:
    try:
        decoded = base64.b64decode(match.group(3), validate=True)
    except (binascii.Error, ValueError):
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}***" if b":" in decoded else match.group(0)


class Redactor:
    """Replaces every registered secret (and its Basic-auth encodings) with `***`."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, *secrets: str) -> None:
        for secret in secrets:
            if secret and len(secret) >= 4:
                self._secrets.add(secret)

    def add_basic_auth(self, username: str, password: str) -> None:
        self.add(password, base64.b64encode(f"{username}:{password}".encode()).decode())

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        # Belt and braces for credentials we were not told about.
        text = _AUTH_HEADER.sub(r"\1\2 ***", text)
        text = _BASIC.sub(_basic, text)
        text = _OAUTH_PARAM.sub(r'\1="***"', text)
        return _QUERY_SECRET.sub(r"\1***", text)


# Every secret any client uses is registered here, so the debug log and a `--debug` traceback
# can be scrubbed of all of them.
SECRETS = Redactor()
