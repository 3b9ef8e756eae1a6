"""The request that started the stream and the response's head, pretty-printed; ``r`` shows it."""

from __future__ import annotations

import json
import re

from rich.console import Group
from rich.highlighter import JSONHighlighter
from rich.text import Text

from ssetape.replayer import Timeline

from ..takeout import request_head
from .pane import Pane

_highlight = JSONHighlighter()


class RequestPane(Pane):
    """Method, URL, headers and body (model, messages or input, tools, tool outputs, previous_response_id)
    of the request, then the response's status, ``x-request-id`` and headers; a search's matches reversed."""

    TITLE = "request and response"
    #: The same for every event of a stream: not one of the panes that follow the cursor.
    PER_EVENT = False

    DEFAULT_CSS = """
    RequestPane {
        display: none;
        &.-open { display: block; }
    }
    """

    def show_request(self, timeline: Timeline, query: str = "") -> int:
        """Show ``timeline``'s request and response head, ``query``'s matches (any case) marked; how many."""
        head = request_head(timeline)
        request, response = head["request"], head["response"]
        title = Text(f"{request['method']} {request['url']}", style="bold")
        status = Text(f"→ {response['status']} {response['reason'] or ''}".rstrip(), style="bold")
        if response["x-request-id"]:
            status.append(f"  x-request-id {response['x-request-id']}", style="cyan")
        parts = [title]
        for label, value in (
            ("request headers", request["headers"]),
            ("request body", request["body"]),
            ("response headers", response["headers"]),
        ):
            parts.append(Text(f"\n{label}", style="bold dim"))
            if value is None:
                parts.append(Text("none recorded", style="dim"))
            else:
                text = Text(json.dumps(value, indent=2, ensure_ascii=False))
                _highlight.highlight(text)
                parts.append(text)
            if label == "request body":
                parts.append(Text(""))
                parts.append(status)
        found = 0
        if query:
            pattern = re.compile(re.escape(query), 0 if query != query.lower() else re.IGNORECASE)
            for part in parts:
                for match in pattern.finditer(part.plain):
                    part.stylize(self.MARK, match.start(), match.end())
                    found += 1
        self.show(Group(*parts), f"request and response · {found} matches" if query else self.TITLE)
        return found
