"""Channel adapters: the only code that knows a platform (Telegram, WhatsApp, the terminal)."""
