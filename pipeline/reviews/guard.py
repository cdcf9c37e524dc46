"""What keeps the review site answering under faults and abuse (wired in by plugins/nhs_review.py).

- `quiet_error_pages`: Datasette 0.65 prints every error (each 404 included) with the local
  variables of every frame through `rich`, on the server's event loop: a 32,000-character URL
  took 13-50 s to format and held up every other request. Errors are still logged, as one line
  (a 500 with its plain traceback); no local variable is formatted.
- `Guard`, an ASGI wrapper:
  - a request whose path and query are longer than `MAX_TARGET` characters is answered at once
    with 414 (no page of the site has such a URL);
  - failed sign-ins (POST /-/login answered with anything but a redirect) are counted per name
    and client address: after `MAX_FAILURES` within `WINDOW` seconds, further attempts for that
    name from that address (and after `MAX_CLIENT_FAILURES`, any attempt from that address) are
    refused with 429 and a message saying when to retry. A sign-in clears the name's count.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_TARGET = 8192  # characters of path and query string
MAX_FAILURES = 5  # failed sign-ins for one name from one client within WINDOW
MAX_CLIENT_FAILURES = 20  # failed sign-ins from one client, whatever the names, within WINDOW
WINDOW = 15 * 60.0  # seconds
LOGIN_PATH = "/-/login"


def quiet_error_pages() -> None:
    """Stop Datasette 0.65 formatting local variables (through `rich`) for every error."""
    import datasette.handle_exception as default_handler

    default_handler.rich = None  # its handler prints `print_exception(show_locals=True)` when rich is there
    hook = sys.excepthook
    if getattr(hook, "__module__", "").startswith("rich"):  # `datasette serve` installs rich's hook
        sys.excepthook = sys.__excepthook__


class Failures:
    """Failed sign-ins by key (a name or a client address), within a sliding window."""

    def __init__(self, window: float = WINDOW, clock: Callable[[], float] = time.monotonic) -> None:
        self.window, self.clock = window, clock
        self.times: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        times = self.times[key]
        while times and times[0] <= self.clock() - self.window:
            times.popleft()
        if not times:
            del self.times[key]
            return deque()
        return times

    def blocked_for(self, *limits: tuple[str, int]) -> float:
        """Seconds until another attempt is allowed under every (key, limit) (0: allowed now)."""
        wait = 0.0
        for key, limit in limits:
            times = self._recent(key)
            if len(times) >= limit:
                wait = max(wait, times[0] + self.window - self.clock())
        return wait

    def fail(self, *keys: str) -> None:
        for key in keys:
            self.times[key].append(self.clock())

    def clear(self, *keys: str) -> None:
        for key in keys:
            self.times.pop(key, None)


class Guard:
    def __init__(self, app: App, failures: Failures | None = None) -> None:
        self.app = app
        self.failures = failures or Failures()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        target = len(scope.get("raw_path") or scope.get("path", "")) + len(scope.get("query_string") or b"")
        if target > MAX_TARGET:
            too_long = f"This URL is {target:,} characters long; no page of this site has one over {MAX_TARGET:,}."
            await _text(send, 414, too_long)
            return
        if scope.get("path") == LOGIN_PATH and scope.get("method") == "POST":
            await self._login(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:  # read the form once, then hand the same bytes on to the sign-in view
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        name = (parse_qs(body.decode("utf-8", "replace")).get("username") or [""])[0].strip().lower()
        client = (scope.get("client") or ("?", 0))[0]
        pair, anyone = f"name:{name}|client:{client}", f"client:{client}"
        wait = self.failures.blocked_for((pair, MAX_FAILURES), (anyone, MAX_CLIENT_FAILURES))
        if wait > 0:
            minutes = max(1, round(wait / 60))
            await _text(
                send,
                429,
                f"Too many failed sign-ins for this name or from this address: try again in about {minutes} "
                f"minute{'s' if minutes != 1 else ''}. Ask whoever keeps the reviewer accounts if you have lost "
                "your password (python -m pipeline reviews add-reviewer sets a new one).",
                {"retry-after": str(int(wait) + 1)},
            )
            return
        status: list[int] = []
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def watch(message: Message) -> None:
            if message.get("type") == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, replay, watch)
        if status and status[0] in (301, 302, 303):  # signed in
            self.failures.clear(pair)
        else:
            self.failures.fail(pair, anyone)


async def _text(send: Send, status: int, text: str, headers: dict[str, str] | None = None) -> None:
    body = text.encode("utf-8")
    extra = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
