"""The conversation, one topic per module. Nothing here imports a platform library or SQL."""
