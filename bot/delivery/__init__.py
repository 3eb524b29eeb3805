"""Delivery: no update lost, no reply given up on.

Updates come in by long polling or by webhook; either way they are stored in the inbox
before Telegram is told they arrived, and handled from there. Replies go out through a
rate limiter that waits out Telegram's flood limits, retries timeouts and server errors,
and keeps what still fails in the outbox until it is delivered.
"""
