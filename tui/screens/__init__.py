"""The TUI's screens: the timeline, the type filter, the help, the cassette picker, a cassette's streams."""

from .filter import FilterScreen
from .help import HelpScreen
from .picker import PickerScreen
from .streams import StreamsScreen
from .timeline import TimelineScreen

__all__ = ["FilterScreen", "HelpScreen", "PickerScreen", "StreamsScreen", "TimelineScreen"]
