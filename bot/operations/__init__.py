"""Running the bot: backups and restores, the health checks of `kim-bot check` and /status,
and the lock that tells a running bot from a stopped one."""
