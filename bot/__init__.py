"""KIM-Bot: the Telegram assistant of the KIM case management in the Kreis Warendorf."""

import os

# python-telegram-bot 22 moves time periods (a 429's retry_after, …) from int seconds to
# timedelta and warns on every one read the old way; this opts in to the new way, as its
# deprecation notice asks. Nothing in the bot reads such a period itself.
os.environ.setdefault("PTB_TIMEDELTA", "true")
