"""The Prakerja assistant: engine (config, storage, channels, scheduler, i18n, CLI)."""
