"""Redaction of secrets: every line the tool writes passes through `SECRETS`.

The clients register each secret they use; the error line, the `--debug` log and tracebacks are
scrubbed of all of them, and of credentials we were not told about.
"""

from __future__ import annotations

import base64
import re


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
        text = re.sub(r"(?i)(authorization:\s*)(basic|bearer)\s+\S+", r"\1\2 ***", text)
        text = re.sub(r'(?i)(oauth_token|oauth_consumer_key)="[^"]*"', r'\1="***"', text)
        return re.sub(r"(?i)([?&](?:key|token|api_token)=)[^&\s]+", r"\1***", text)


# Every secret any client uses is registered here, so the debug log and a `--debug` traceback
# can be scrubbed of all of them.
SECRETS = Redactor()
