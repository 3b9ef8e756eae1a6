"""``ssetape tui``: step through a recorded stream and see, at each event, what an event handler sees.

Names are imported on first use, Textual with them.
"""

from typing import TYPE_CHECKING

from ssetape._lazy import lazy_exports

if TYPE_CHECKING:
    from .app import TapeApp, check, run, run_compare, run_follow, run_picker
    from .describe import event_call, value
    from .drawing import HIGHLIGHT, STATUS_STYLE, arguments, fired, tail, window, window_start
    from .indexing import is_first_look
    from .outputs import Added
    from .recording import proxy_in_background, run_recording
    from .source import open_cassette

_EXPORTS = {
    "window": ".drawing",
    "tail": ".drawing",
    "fired": ".drawing",
    "event_call": ".describe",
    "check": ".app",
    "value": ".describe",
    "window_start": ".drawing",
    "is_first_look": ".indexing",
    "arguments": ".drawing",
    "STATUS_STYLE": ".drawing",
    "HIGHLIGHT": ".drawing",
    "Added": ".outputs",
    "TapeApp": ".app",
    "open_cassette": ".source",
    "run": ".app",
    "run_picker": ".app",
    "run_compare": ".app",
    "run_follow": ".app",
    "run_recording": ".recording",
    "proxy_in_background": ".recording",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "HIGHLIGHT",
    "STATUS_STYLE",
    "Added",
    "TapeApp",
    "arguments",
    "check",
    "event_call",
    "fired",
    "is_first_look",
    "open_cassette",
    "proxy_in_background",
    "run",
    "run_compare",
    "run_follow",
    "run_picker",
    "run_recording",
    "tail",
    "value",
    "window",
    "window_start",
]
