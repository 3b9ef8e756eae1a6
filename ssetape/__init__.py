"""ssetape: record, replay and step through streamed LLM API responses."""

__version__ = "0.1.0"
__all__ = ["__version__"]
