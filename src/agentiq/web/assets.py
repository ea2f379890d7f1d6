"""Copy front-end packages installed by npm into static/vendor (run by `make install`)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from agentiq.config import PROJECT_ROOT

STATIC = Path(__file__).parent / "static" / "vendor"
# package file → served name
VENDORED = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "htmx-ext-sse/dist/sse.min.js": "htmx-sse.min.js",
    "chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
}


def vendor_assets(node_modules: Path = PROJECT_ROOT / "node_modules") -> list[Path]:
    STATIC.mkdir(parents=True, exist_ok=True)
    written = []
    for source, name in VENDORED.items():
        path = node_modules / source
        if not path.exists():
            raise SystemExit(f"{path} is missing: run `npm ci` first (make install does).")
        target = STATIC / name
        shutil.copyfile(path, target)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in vendor_assets():
        print(f"vendored {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
