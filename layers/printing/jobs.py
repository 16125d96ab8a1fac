"""What a printing worker runs (layers.workers.bounded). Each worker imports this module before it
says it is ready, so fpdf2, segno and the fonts' code are loaded outside its memory cap and only
a job's own growth counts against it. No database here: the caller reads the rows and hands over
plain values.
"""
from __future__ import annotations

import itertools
import os
import resource

from geo import certificate, labels
from layers.workers.bounded_worker import HEADROOM_MB  # the address-space limit is this far above the cap


def label_sheet(path: str, label: labels.Label, count: int, sheet: str, skip: int, outline: bool,
                title: str) -> dict:
    """`count` copies of `label` on `sheet`, written to `path` (the caller's temporary file, which
    it streams and deletes). Returns the pages and bytes written and the job's memory (`memory`)."""
    before = memory(reset_peak=True)
    data = labels.render(itertools.repeat(label, count), sheet, skip=skip, outline=outline, title=title)
    with open(path, "wb") as out:
        out.write(data)
    after = memory()
    per_page = labels.sheet_named(sheet).per_page
    return {"pages": max(1, -(-(skip + count) // per_page)), "bytes": len(data), "rss_before_mb": before["rss_mb"],
            **after}


def certificate_pdf(cert: certificate.Certificate) -> bytes:
    return certificate.render(cert)


def memory(reset_peak: bool = False) -> dict:
    """This process's resident memory now and at its peak since the last reset (MB), its address
    space now, and the cap its watcher holds that address space under (None when there is none).
    Linux: from /proc/self/status; `reset_peak` restarts the peak (/proc/self/clear_refs)."""
    if reset_peak:
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass
    status = {}
    try:
        with open("/proc/self/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "VmSize"):
                    status[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    cap = None if soft == resource.RLIM_INFINITY else soft / 2**20 - HEADROOM_MB
    return {"rss_mb": status.get("VmRSS"), "peak_rss_mb": status.get("VmHWM"),
            "address_space_mb": status.get("VmSize"), "cap_mb": cap, "pid": os.getpid()}
