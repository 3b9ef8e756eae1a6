"""The TUI's screens: the timeline, the type filter, the help, the cassette picker, a cassette's streams,
side by side,
a recording followed."""

from .compare import CompareScreen
from .filter import FilterScreen
from .follow import FollowScreen, WaitScreen
from .help import HelpScreen
from .picker import PickerScreen
from .streams import StreamsScreen
from .timeline import TimelineScreen

__all__ = [
    "CompareScreen",
    "FilterScreen",
    "FollowScreen",
    "HelpScreen",
    "PickerScreen",
    "StreamsScreen",
    "TimelineScreen",
    "WaitScreen",
]
