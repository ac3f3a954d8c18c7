"""Understanding: which articles are transfer/appointment news, and the events they state
(see docs/events.md)."""
