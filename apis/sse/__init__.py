"""Any other SSE stream (``sse``): one no API's home recognises, shown as the events it holds (name, id,
data) and never read as some API's. The registry's ``DEFAULT``."""
