"""Open an HTML file in headless Chromium and report what the browser saw.

A small driver of the Chrome DevTools protocol with the Python standard library
alone: the browser is started with ``--remote-debugging-pipe``, reads commands
(JSON, each ended by a NUL byte) on its file descriptor 3 and writes replies
and events the same way on descriptor 4. :func:`open_page` loads one file and
collects the console messages, uncaught exceptions, log entries (blocked or
failed loads, security messages), network requests and JavaScript dialogs, a few
facts about the rendered page, and optionally a PNG screenshot.

Used by ``test_browser.py``, and as a script to look at a report (this is how the
screenshot in the documentation is made)::

    python tests/report/chromium.py report.html --screenshot report.png

The browser is the first found of ``$USERPERSONA_BROWSER``, ``$CHROME_PATH``,
``chromium``, ``chromium-browser``, ``google-chrome`` and
``google-chrome-stable`` on the PATH; ``USERPERSONA_BROWSER=none`` means no
browser (to try the test's skip). POSIX only: the pipe is passed as file
descriptors.
"""

import argparse
import base64
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",  # containers and CI often run as root, where the sandbox refuses
    "--disable-gpu",
    "--disable-dev-shm-usage",  # /dev/shm is tiny in many containers
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",  # no request of the browser's own in the findings
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-quic",
    "--mute-audio",
    "--hide-scrollbars",  # screenshots without a scroll bar
)
# The facts read from the rendered page: the report runs no script, so this
# expression, evaluated by the protocol, is the only JavaScript on the page.
FACTS = """(() => {
  const all = Array.from(document.querySelectorAll('*'));
  const root = document.documentElement;
  const scrolls = (e) => e.scrollWidth > e.clientWidth + 1;
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
      + (e.className && typeof e.className === 'string' ? '.' + e.className.trim()
         .replace(/\\s+/g, '.') : '');
  const boxes = Array.from(document.querySelectorAll('svg')).map((svg) => {
    const texts = Array.from(svg.querySelectorAll('text'))
      .map((t) => ({text: t.textContent, box: t.getBoundingClientRect()}))
      .filter((t) => t.box.width > 0 && t.box.height > 0);
    const overlaps = [];
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].box, b = texts[j].box;
        const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (dx > 1 && dy > 1) overlaps.push([texts[i].text, texts[j].text]);
      }
    }
    const box = svg.getBoundingClientRect();
    const outside = texts.filter((t) => t.box.left < box.left - 1 || t.box.right > box.right + 1
        || t.box.top < box.top - 1 || t.box.bottom > box.bottom + 1).map((t) => t.text);
    const heights = texts.map((t) => t.box.height);
    const view = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width;
    const zoom = view ? box.width / view : 1;
    const fonts = Array.from(svg.querySelectorAll('text'))
      .map((t) => parseFloat(getComputedStyle(t).fontSize) * zoom);
    return {overlaps, outside, min_text_height: heights.length ? Math.min(...heights) : null,
            min_font_px: fonts.length ? Math.min(...fonts) : null,
            title: (svg.querySelector('title') || {}).textContent || '',
            width: box.width, height: box.height};
  });
  return {
    title: document.title,
    svg: document.querySelectorAll('svg').length,
    scripts: document.querySelectorAll('script').length,
    iframes: document.querySelectorAll('iframe, object, embed').length,
    images: document.querySelectorAll('img').length,
    headings: Array.from(document.querySelectorAll('h2')).map((h) => h.innerText),
    sections: Array.from(document.querySelectorAll('section')).map((e) => {
      const box = e.getBoundingClientRect();
      return {id: e.id, top: Math.round(box.top + window.scrollY),
              bottom: Math.round(box.bottom + window.scrollY)};
    }),
    text: document.body ? document.body.innerText : '',
    width: root.scrollWidth,
    height: Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0),
    viewport_width: window.innerWidth,
    page_overflows: root.scrollWidth > window.innerWidth,
    scrolling: all.filter((e) => scrolls(e) && e !== root && e !== document.body
        && getComputedStyle(e).overflowX !== 'visible').map(name),
    spilling: all.filter((e) => scrolls(e) && e !== root && e !== document.body
        && getComputedStyle(e).overflowX === 'visible' && e.tagName !== 'svg'
        && !(e instanceof SVGElement)).map(name),
    charts: boxes,
  };
})()"""


class BrowserError(RuntimeError):
    """The browser could not be started, or did not answer in time."""


@dataclass
class PageReport:
    """What the browser saw while loading and rendering one page."""

    url: str
    title: str = ""
    console: list = field(default_factory=list)  # (level, text)
    exceptions: list = field(default_factory=list)  # text
    log: list = field(default_factory=list)  # (level, source, text, url)
    requests: list = field(default_factory=list)  # url
    dialogs: list = field(default_factory=list)  # (type, message)
    facts: dict = field(default_factory=dict)
    screenshot: Path | None = None
    screenshot_size: tuple | None = None  # (width, height) in pixels
    load_seconds: float = 0.0
    browser: str = ""

    @property
    def external_requests(self):
        """Requests for anything but the file itself and inline data."""
        return [url for url in self.requests
                if not url.startswith(("file:", "data:", "about:"))]

    @property
    def console_errors(self):
        return [(level, text) for level, text in self.console
                if level in ("error", "assert", "warning")]

    @property
    def log_errors(self):
        return [entry for entry in self.log if entry[0] == "error"]

    def problems(self):
        """Everything that should not happen on a self-contained page that runs no script."""
        found = [f"console {level}: {text}" for level, text in self.console_errors]
        found += [f"exception: {text}" for text in self.exceptions]
        found += [f"log {level} ({source}): {text} {url}".rstrip()
                  for level, source, text, url in self.log_errors]
        found += [f"network request: {url}" for url in self.external_requests]
        found += [f"dialog {kind}: {message}" for kind, message in self.dialogs]
        if self.facts.get("scripts"):
            found.append(f"{self.facts['scripts']} <script> element(s)")
        return found

    def summary(self):
        facts = self.facts
        lines = [f"page        {self.url}",
                 f"browser     {self.browser}",
                 f"title       {self.title!r}",
                 f"loaded in   {self.load_seconds:.2f} s",
                 f"size        {facts.get('width')} x {facts.get('height')} px "
                 f"(viewport width {facts.get('viewport_width')})",
                 f"elements    {facts.get('svg')} <svg>, {facts.get('scripts')} <script>, "
                 f"{facts.get('images')} <img>, {facts.get('iframes')} frames",
                 f"text        {len(facts.get('text', ''))} characters",
                 f"sections    {', '.join(facts.get('headings', []))}",
                 "  at (px)   " + ", ".join(f"{part['id']} {part['top']}-{part['bottom']}"
                                            for part in facts.get("sections", [])),
                 f"requests    {len(self.requests)} "
                 f"({len(self.external_requests)} not file: or data:)",
                 f"console     {len(self.console)} message(s)",
                 f"exceptions  {len(self.exceptions)}",
                 f"log         {len(self.log)} entr(y/ies)",
                 f"dialogs     {len(self.dialogs)}",
                 f"page overflows horizontally: {facts.get('page_overflows')}",
                 f"scrolling boxes: {', '.join(facts.get('scrolling', [])) or 'none'}",
                 f"content spilling out of its box: "
                 f"{', '.join(facts.get('spilling', [])) or 'none'}"]
        for chart in facts.get("charts", []):
            if chart["overlaps"] or chart["outside"]:
                lines.append(f"chart {chart['title']!r}: {len(chart['overlaps'])} overlapping "
                             f"text pair(s) {chart['overlaps'][:3]}, text outside the chart "
                             f"{chart['outside'][:3]}")
        if self.screenshot is not None:
            width, height = self.screenshot_size
            lines.append(f"screenshot  {self.screenshot} ({width} x {height} px, "
                         f"{self.screenshot.stat().st_size / 1024:.0f} KB)")
        problems = self.problems()
        lines.append("problems    " + ("none" if not problems else ""))
        lines += [f"  - {problem}" for problem in problems]
        return "\n".join(lines)


def find_chromium():
    """Path of a Chromium or Chrome executable, or None.

    ``$USERPERSONA_BROWSER`` (then ``$CHROME_PATH``) wins when set: a path or a
    command name, or ``none`` to mean that there is no browser.
    """
    for variable in ("USERPERSONA_BROWSER", "CHROME_PATH"):
        value = os.environ.get(variable, "").strip()
        if value:
            if value.lower() in ("none", "0", "no", "false"):
                return None
            return shutil.which(value)
    if not hasattr(os, "fork"):  # the pipe is passed as POSIX file descriptors
        return None
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def png_size(data):
    """(width, height) of a PNG from its header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


class _Connection:
    """Commands to and messages from the browser over the two pipes."""

    def __init__(self, write_fd, read_fd):
        self.write_fd, self.read_fd = write_fd, read_fd
        self.messages = queue.Queue()
        self.next_id = 0
        self.events = []  # (method, params, sessionId) in arrival order
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        buffer = b""
        try:
            while True:
                chunk = os.read(self.read_fd, 1 << 16)
                if not chunk:
                    break
                buffer += chunk
                *complete, buffer = buffer.split(b"\0")
                for raw in complete:
                    self.messages.put(json.loads(raw))
        except (OSError, ValueError) as error:
            self.messages.put({"_closed": repr(error)})
            return
        self.messages.put({"_closed": "the browser closed the pipe"})

    def _next(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        try:
            message = self.messages.get(timeout=remaining)
        except queue.Empty:
            raise TimeoutError from None
        if "_closed" in message:
            raise BrowserError(message["_closed"])
        if "method" in message:
            self.events.append((message["method"], message.get("params", {}),
                                message.get("sessionId")))
        return message

    def send(self, method, params=None, *, session=None, timeout=30.0):
        """Send a command and return its result; events met meanwhile are kept."""
        self.next_id += 1
        command = {"id": self.next_id, "method": method, "params": params or {}}
        if session is not None:
            command["sessionId"] = session
        data = json.dumps(command).encode() + b"\0"
        while data:
            data = data[os.write(self.write_fd, data):]
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self._next(deadline)
            except TimeoutError:
                raise BrowserError(f"no answer to {method} in {timeout:g} s") from None
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, method, *, timeout=30.0, session=None):
        """Wait for an event (or return at once if it came already).

        A JavaScript dialog (an alert the page should never show) blocks the page
        until answered: every one met is dismissed, and stays in the events.
        """
        deadline = time.monotonic() + timeout
        answered = 0
        while not any(event[0] == method for event in self.events):
            dialogs = [e for e in self.events if e[0] == "Page.javascriptDialogOpening"]
            if len(dialogs) > answered:
                answered += 1
                self.send("Page.handleJavaScriptDialog", {"accept": True}, session=session,
                          timeout=max(deadline - time.monotonic(), 1.0))
                continue
            try:
                self._next(deadline)
            except TimeoutError:
                raise BrowserError(f"no {method} in {timeout:g} s") from None

    def drain(self, seconds):
        """Collect the events of the next ``seconds``."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self._next(deadline)
        except TimeoutError:
            pass


# The browser wants the pipe on descriptors 3 and 4. A small Python child moves the two
# ends there and becomes the browser (exec): no preexec_fn in this process, which may
# run threads, and no shell, whose redirections stop at descriptor 9.
_EXEC = ("import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
         "os.execv(sys.argv[3], sys.argv[3:])")


def _high_fd(fd):
    """The same pipe end on a descriptor of 10 or more: moving one end to 3 or 4
    cannot then clobber the other."""
    import fcntl  # POSIX only, as the pipe itself: imported here, so the module loads anywhere

    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


def _start(browser, user_data_dir, width, height, stderr):
    to_browser_r, to_browser_w = map(_high_fd, os.pipe())
    from_browser_r, from_browser_w = map(_high_fd, os.pipe())
    command = [sys.executable, "-I", "-S", "-c", _EXEC, str(to_browser_r), str(from_browser_w),
               browser, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={user_data_dir}",
               f"--window-size={width},{height}", "about:blank"]
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stderr,
                                   stderr=stderr, pass_fds=(to_browser_r, from_browser_w),
                                   start_new_session=True)
    except OSError:
        for fd in (to_browser_r, to_browser_w, from_browser_r, from_browser_w):
            os.close(fd)
        raise
    os.close(to_browser_r)
    os.close(from_browser_w)  # the browser's copy alone: its exit ends the reader
    return process, _Connection(to_browser_w, from_browser_r)


def _stop(process, connection):
    if connection is not None:
        try:
            connection.send("Browser.close", timeout=5)
        except (BrowserError, OSError):
            pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    try:  # the renderer and helper processes too: they share the browser's session
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
    if connection is not None:
        for fd in (connection.write_fd, connection.read_fd):
            try:
                os.close(fd)
            except OSError:
                pass


def _collect(report, events, session):
    for method, params, event_session in events:
        if event_session not in (None, session):
            continue
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(arg.get("value", arg.get("description", "")))
                            for arg in params.get("args", []))
            report.console.append((params.get("type", ""), text))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "")
            report.exceptions.append(text)
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            report.log.append((entry.get("level", ""), entry.get("source", ""),
                               entry.get("text", ""), entry.get("url", "")))
        elif method == "Network.requestWillBeSent":
            report.requests.append(params.get("request", {}).get("url", ""))
        elif method == "Page.javascriptDialogOpening":
            report.dialogs.append((params.get("type", ""), params.get("message", "")))


def open_page(path, *, width=1400, height=900, screenshot=None, screenshot_top=0,
              screenshot_height=None, scale=1.0, timeout=30.0, browser=None):
    """Load an HTML file in headless Chromium and report what happened.

    Parameters
    ----------
    path : str or Path
        The HTML file.
    width, height : int, default=1400 and 900
        The viewport, in CSS pixels.
    screenshot : str or Path, default=None
        Where to save a PNG of the page.
    screenshot_top : int, default=0
        Top of the screenshot in CSS pixels.
    screenshot_height : int, default=None
        Height of the screenshot in CSS pixels; None takes the rest of the page.
    scale : float, default=1.0
        Scale of the screenshot (0.5 halves both sides).
    timeout : float, default=30.0
        Seconds to wait for the browser to start and for the page to load.
    browser : str, default=None
        The executable; None uses :func:`find_chromium`.

    Returns
    -------
    PageReport
    """
    browser = browser or find_chromium()
    if browser is None:
        raise BrowserError("no Chromium/Chrome found")
    url = Path(path).resolve().as_uri()
    report = PageReport(url=url, browser=browser)
    user_data_dir = tempfile.mkdtemp(prefix="userpersona-chromium-")
    stderr_path = Path(user_data_dir) / "browser-stderr.txt"
    process = connection = None
    try:
        with open(stderr_path, "wb") as stderr:
            process, connection = _start(browser, user_data_dir, width, height, stderr)
        try:
            version = connection.send("Browser.getVersion", timeout=timeout)
        except BrowserError as error:
            tail = stderr_path.read_text(errors="replace")[-2000:]
            raise BrowserError(f"{browser} did not start: {error}\n{tail}") from None
        report.browser = f"{browser} ({version.get('product', '?')})"
        target = connection.send("Target.createTarget", {"url": "about:blank"})
        session = connection.send("Target.attachToTarget", {"targetId": target["targetId"],
                                                            "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            connection.send(f"{domain}.enable", session=session)
        connection.send("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1,
                         "mobile": False}, session=session)
        connection.events.clear()  # from here on: the page's own
        started = time.monotonic()
        navigation = connection.send("Page.navigate", {"url": url}, session=session)
        if navigation.get("errorText"):
            raise BrowserError(f"cannot open {url}: {navigation['errorText']}")
        connection.wait_for("Page.loadEventFired", timeout=timeout, session=session)
        report.load_seconds = time.monotonic() - started
        connection.drain(0.3)  # late console messages and log entries
        result = connection.send("Runtime.evaluate", {"expression": FACTS,
                                                      "returnByValue": True},
                                 session=session)
        if "exceptionDetails" in result:
            raise BrowserError(f"reading the page failed: {result['exceptionDetails']}")
        report.facts = result["result"]["value"]
        report.title = report.facts.get("title", "")
        if screenshot is not None:
            full = int(report.facts["height"])
            top = min(max(int(screenshot_top), 0), full - 1)
            shot = full - top
            if screenshot_height is not None:
                shot = min(int(screenshot_height), shot)
            connection.send("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": top + shot, "deviceScaleFactor": 1,
                             "mobile": False}, session=session)
            image = connection.send(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True,
                 "clip": {"x": 0, "y": top, "width": width, "height": shot,
                          "scale": scale}},
                session=session, timeout=timeout)
            data = base64.b64decode(image["data"])
            report.screenshot = Path(screenshot)
            report.screenshot.parent.mkdir(parents=True, exist_ok=True)
            report.screenshot.write_bytes(data)
            report.screenshot_size = png_size(data)
        _collect(report, connection.events, session)
        return report
    finally:
        if process is not None:
            _stop(process, connection)
        shutil.rmtree(user_data_dir, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Open an HTML file in headless Chromium and "
                                     "print what the browser saw.")
    parser.add_argument("page", help="the HTML file")
    parser.add_argument("--screenshot", help="save a PNG of the page here")
    parser.add_argument("--top", type=int, default=0,
                        help="top of the screenshot in CSS pixels (default: 0)")
    parser.add_argument("--height", type=int, default=None,
                        help="screenshot height in CSS pixels (default: the rest of the page)")
    parser.add_argument("--scale", type=float, default=1.0, help="screenshot scale")
    parser.add_argument("--width", type=int, default=1400, help="viewport width")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print("no Chromium/Chrome found (install the system package 'chromium')",
              file=sys.stderr)
        return 2
    report = open_page(args.page, width=args.width, screenshot=args.screenshot,
                       screenshot_top=args.top, screenshot_height=args.height, scale=args.scale)
    print(report.summary())
    return 1 if report.problems() else 0


if __name__ == "__main__":
    sys.exit(main())
