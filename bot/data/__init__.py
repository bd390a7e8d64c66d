"""Data shipped with the bot: the program file (program.toml) and the understanding data (nlu/)."""
