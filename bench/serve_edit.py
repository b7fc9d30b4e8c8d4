#!/usr/bin/env python3
"""Times `casebook serve` the way a writer meets it: from starting the server
to the first page, and from saving a page to the server handing out the new
text, with the editor's atomic save (write a temporary file, rename it over
the page). Prints one line of JSON. Standard library only.

    bench/serve_edit.py CASEBOOK SITE_DIR [EDITS=5]
"""

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except OSError:
        return None, ""


def wait_for(predicate, timeout):
    """Polls every millisecond until `predicate()` holds; the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.001)
    raise SystemExit(f"gave up after {timeout} s")


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def pick_page(site):
    """A policy with front matter, the same one every run."""
    folder = os.path.join(site, "content", "policies")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".md") and n != "_index.md")
    for n in names[7:]:
        with open(os.path.join(folder, n)) as f:
            text = f.read()
        if text.startswith("---") and "\ntitle:" in text:
            return os.path.join(folder, n), "policies/" + n[: -len(".md")] + "/"
    raise SystemExit("no policy with a title")


def save_atomically(path, text):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def main():
    exe, site = sys.argv[1], sys.argv[2]
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    page, url = pick_page(site)
    original = open(page).read()
    started = time.monotonic()
    server = subprocess.Popen(
        [exe, "serve", "--root", site, "--port", str(port), "--today", "2026-11-27"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(server.stderr), daemon=True)
    reader.start()
    try:
        first = wait_for(lambda: get(base)[0] == 200 and "Not built yet" not in get(base)[1], 600)
        # The search index follows in the background; edits are timed once it is in.
        wait_for(lambda: any(l.startswith("search index") for l in lines), 600)
        times = []
        for n in range(edits):
            marker = f"Edited paragraph {n} {time.time_ns()}."
            saved = time.monotonic()
            save_atomically(page, f"{original}\n{marker}\n")
            wait_for(lambda: marker in get(base + url)[1], 120)
            times.append(time.monotonic() - saved)
            # A writer reads before saving again; the search index catches up meanwhile.
            wait_for(lambda: sum(l.startswith("search index") for l in lines) > n + 1, 120)
        memory = peak_rss_kib(server.pid)
        rebuilds = sum(1 for l in lines if l.startswith("rebuilt in"))
        print(
            json.dumps(
                {
                    "first_page_s": first,
                    "peak_rss_kib": memory,
                    "edit_median_s": statistics.median(times),
                    "edits_s": times,
                    "rebuilds": rebuilds,
                }
            )
        )
    finally:
        with open(page, "w") as f:
            f.write(original)
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
