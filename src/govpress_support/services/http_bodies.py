"""What an error answer says: (error code, readable text) from a JSON, plain-text or HTML body.
For the HTTP layer's one-line errors and a service's own reading of its refusals (`classify`);
`http.py` names it too."""

from __future__ import annotations

import re
from typing import Any

import httpx


def describe_body(response: httpx.Response) -> tuple[str | None, str]:
    """(error code, readable text) from a JSON, plain-text or HTML error body."""
    content_type = response.headers.get("content-type", "")
    text = response.text.strip() if response.content else ""
    if "json" in content_type or text.startswith(("{", "[")):
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            return _describe_json(data)
    if "html" in content_type or text[:15].lower().startswith(("<!doctype", "<html")):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        name = " ".join(title.group(1).split()) if title else ""
        return None, f"an HTML page{f' titled {name!r}' if name else ''} instead of an API answer"
    first = " ".join(text.split())[:200]
    return None, first


def _describe_json(data: dict[str, Any]) -> tuple[str | None, str]:
    error = data.get("error")
    code: str | None = None
    parts: list[str] = []
    if isinstance(error, dict):  # {"error": {"title": ..., "message": ...}}
        code = str(error.get("title") or "") or None
        if error.get("message"):
            parts.append(str(error["message"]))
    elif isinstance(error, str):
        code = error
    for key in ("description", "message"):
        if isinstance(data.get(key), str) and data[key]:
            parts.append(data[key])
    details = data.get("details")
    if isinstance(details, dict):
        for name, problems in details.items():
            if isinstance(problems, list):
                for problem in problems:
                    if isinstance(problem, dict) and problem.get("description"):
                        parts.append(f"{name}: {problem['description']}")
    if not parts and code:
        parts.append(code)
    return code, "; ".join(dict.fromkeys(parts))
