"""Chat Completions (``/v1/chat/completions``): ``chat.completion.chunk`` data read by ``ChatCompletionStream``."""
