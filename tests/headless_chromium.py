"""Drive headless Chromium over the DevTools protocol through a pipe: no Python dependency, no open port.

Chromium started with ``--remote-debugging-pipe`` reads DevTools commands on file descriptor 3 and
writes its answers and events on descriptor 4, each a JSON message ended by a NUL byte. That is all
the docs tests need: open a page at a chosen width and colour scheme, list every request it made,
evaluate JavaScript in it and take a screenshot. ``--proxy-server`` points at a closed local port, so
a request for another host fails instead of reaching the network.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Debian names the browser `chromium`; other systems `chromium-browser`
BINARIES = ("chromium", "chromium-browser", "google-chrome")
CLOSED_PORT_PROXY = "127.0.0.1:9"  # the discard port: nothing listens, so every proxied request fails


def find_chromium() -> str | None:
    return next((path for path in map(shutil.which, BINARIES) if path), None)


@dataclass
class PageLoad:
    """What one page load did: every URL requested, and the value of the expression evaluated after it."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "URL (why)" of each request that failed
    errors: list[str] = field(default_factory=list)  # uncaught script errors
    value: Any = None


class Chromium:
    """One headless browser with one tab; use as a context manager."""

    def __init__(self, binary: str, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="nnlessons-chromium-")
        to_browser, self._to_browser = os.pipe()
        self._from_browser, from_browser = os.pipe()
        # the child must see its pipe ends as descriptors 3 and 4: move them above 4 first, so that
        # placing one cannot overwrite the other, and keep 3 and 4 open through the exec
        to_browser_read = fcntl.fcntl(to_browser, fcntl.F_DUPFD, 10)
        from_browser_write = fcntl.fcntl(from_browser, fcntl.F_DUPFD, 10)
        os.close(to_browser)
        os.close(from_browser)
        self._process = subprocess.Popen(
            [binary, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
             "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
             "--allow-file-access-from-files", f"--proxy-server={CLOSED_PORT_PROXY}", "--proxy-bypass-list=<-loopback>",
             f"--user-data-dir={self._profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4, to_browser_read, from_browser_write),
            preexec_fn=lambda: (os.dup2(to_browser_read, 3), os.dup2(from_browser_write, 4)),
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.send(f"{domain}.enable", session=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (OSError, RuntimeError, TimeoutError):
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for fd in (self._to_browser, self._from_browser):
            os.close(fd)
        self._profile.cleanup()

    # ---- the protocol -------------------------------------------------------------------------

    def send(self, method: str, session: bool = False, **params: Any) -> dict:
        """Send one command and wait for its answer; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def _read(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _wait_for(self, method: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == method for e in self._events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} in {self.timeout} s")
            self._events.append(self._read())

    # ---- what the tests do ----------------------------------------------------------------------

    def emulate(self, width: int, height: int, dark: bool) -> None:
        """A window `width` CSS pixels wide (a phone below 600), with the light or dark colour scheme preferred."""
        mobile = width < 600
        self.send("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=2 if mobile else 1, mobile=mobile)
        self.send("Emulation.setEmulatedMedia", session=True,
                  features=[{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}])

    def load(self, url: str, expression: str = "null", settle: float = 0.2) -> PageLoad:
        """Open `url`, wait for its load event (and `settle` seconds for scripts), evaluate `expression`."""
        self._events.clear()
        self.send("Page.navigate", session=True, url=url)
        self._wait_for("Page.loadEventFired")
        time.sleep(settle)
        value = self.evaluate(expression)
        load = PageLoad(value=value)
        urls: dict[str, str] = {}
        for event in self._events:
            params = event.get("params", {})
            if event.get("method") == "Network.requestWillBeSent":
                urls[params["requestId"]] = params["request"]["url"]
                load.requests.append(params["request"]["url"])
            elif event.get("method") == "Network.loadingFailed" and not params.get("canceled"):
                load.failed.append(f"{urls.get(params['requestId'], '?')} ({params.get('errorText', '')})")
            elif event.get("method") == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                load.errors.append(details.get("exception", {}).get("description") or details.get("text", ""))
        return load

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", session=True, expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}...: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = True) -> None:
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": min(size[1], 12000), "scale": 1}
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", session=True, **params)["data"]))
