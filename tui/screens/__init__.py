"""The TUI's screens: the timeline, the type filter, the help."""

from .filter import FilterScreen
from .help import HelpScreen
from .timeline import TimelineScreen

__all__ = ["FilterScreen", "HelpScreen", "TimelineScreen"]
