"""A made-up streaming API, "echo", whose home the tests register to show that a new API needs only its
home and one registry entry: ``event: echo.say`` events carry ``{"text": ...}``, ``echo.end`` closes."""
