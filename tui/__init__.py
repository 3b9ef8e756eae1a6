"""``ssetape tui``: step through a recorded stream and see, at each event, what an event handler sees."""

from .app import TapeApp, run
from .source import open_cassette

__all__ = ["TapeApp", "open_cassette", "run"]
