"""The Assistants API (``/v1/threads/.../runs``): ``thread.*`` events read by ``AssistantEventHandler``."""
