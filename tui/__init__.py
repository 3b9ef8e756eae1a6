"""``ssetape tui``: step through a recorded stream and see, at each event, what an event handler sees.

Names are imported on first use, Textual with them.
"""

from typing import TYPE_CHECKING

from ssetape._lazy import lazy_exports

if TYPE_CHECKING:
    from .app import TapeApp, run
    from .source import open_cassette

_EXPORTS = {
    "TapeApp": ".app",
    "open_cassette": ".source",
    "run": ".app",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = ["TapeApp", "open_cassette", "run"]
