"""Gemini (``google-genai``, ``:streamGenerateContent?alt=sse``): data-only ``GenerateContentResponse`` chunks,
read by ``client.models.generate_content_stream``."""
