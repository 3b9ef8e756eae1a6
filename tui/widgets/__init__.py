"""The TUI's widgets, one per module."""

from .aligned_list import AlignedList
from .callbacks_pane import CallbacksPane
from .event_list import EventList
from .index_progress import IndexProgress
from .list_status import ListStatus
from .message_pane import MessagePane
from .pane import Pane
from .pane_tabs import PaneTabs
from .prompt import Prompt
from .raw_pane import RawPane
from .request_pane import RequestPane
from .run_pane import RunPane
from .side_pane import SidePane
from .step_pane import StepPane
from .stream_table import StreamTable
from .tape_header import TapeHeader
from .time_axis import TimeAxis

__all__ = [
    "AlignedList",
    "CallbacksPane",
    "EventList",
    "IndexProgress",
    "ListStatus",
    "MessagePane",
    "Pane",
    "PaneTabs",
    "Prompt",
    "RawPane",
    "RequestPane",
    "RunPane",
    "SidePane",
    "StepPane",
    "StreamTable",
    "TapeHeader",
    "TimeAxis",
]
