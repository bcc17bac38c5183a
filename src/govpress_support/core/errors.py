"""Exit codes and the errors that carry them.

Every failure a user can cause or meet is a `GovPressError`: one line of what went wrong, an
optional hint of what to do, and the exit code from the table in the README. The CLI entry point
prints `error: <message> (<hint>)` and exits with `exit_code`; nothing else turns an exception
into output.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # an API or network error
    USAGE = 2  # bad usage or input (Click uses 2 for its own usage errors too)
    PARTIAL = 3  # a bulk action left some items undone, and said which
    AUTH = 4  # not authenticated or not allowed
    CONFLICT = 5  # someone else changed the ticket meanwhile
    FOUND = 8  # `queue --exit-code`: the listed set is not empty
    INTERRUPTED = 130  # Ctrl-C


class GovPressError(Exception):
    """An error with a one-line message, an optional hint and an exit code."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, hint: str | None = None, *, exit_code: ExitCode | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def one_line(self) -> str:
        text = self.message if not self.hint else f"{self.message} ({self.hint})"
        return " ".join(text.split())


class UsageError(GovPressError):
    """Bad input from the user: an unknown name, a malformed file, a value out of range."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """The config file is malformed or names a key that does not exist."""


class AuthError(GovPressError):
    """Credentials missing, rejected, or not allowed to do this (HTTP 401/403).

    `status` is the HTTP status that said so: 401 (who you are was not accepted) or 403 (you
    may not do this); None when no request was made (credentials missing)."""

    exit_code = ExitCode.AUTH

    def __init__(self, message: str, hint: str | None = None, *, status: int | None = None):
        super().__init__(message, hint)
        self.status = status


class ApiError(GovPressError):
    """The service answered with an error we cannot do anything about here."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        exit_code: ExitCode | None = None,
    ):
        super().__init__(message, hint, exit_code=exit_code)
        self.status = status
        self.code = code


class NotFoundError(ApiError):
    """HTTP 404: the ticket, board, card or user does not exist (or is not visible to you)."""


class ConflictError(ApiError):
    """HTTP 409: the ticket changed since it was read; nothing was written."""

    exit_code = ExitCode.CONFLICT


class RateLimitedError(ApiError):
    """The service kept answering 429 for longer than the configured total wait."""


class NetworkError(GovPressError):
    """The host could not be reached, or the connection failed mid-request."""


class PartialFailure(GovPressError):
    """A bulk action finished some items and not others; the message says which."""

    exit_code = ExitCode.PARTIAL


class Interrupted(GovPressError):
    """Ctrl-C: stop where we are; journaled work can be resumed."""

    exit_code = ExitCode.INTERRUPTED
