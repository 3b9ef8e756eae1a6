"""The TUI's screens: the timeline, the type filter, the help, the cassette picker, a cassette's streams,
side by side."""

from .compare import CompareScreen
from .filter import FilterScreen
from .help import HelpScreen
from .picker import PickerScreen
from .streams import StreamsScreen
from .timeline import TimelineScreen

__all__ = ["CompareScreen", "FilterScreen", "HelpScreen", "PickerScreen", "StreamsScreen", "TimelineScreen"]
