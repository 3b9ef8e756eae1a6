"""The Responses API (``/v1/responses``): ``response.*`` events read by the SDK's ``ResponseStream``."""
