"""Anthropic Messages (``/v1/messages``): ``message_*`` and ``content_block_*`` events, read by ``MessageStream``."""
