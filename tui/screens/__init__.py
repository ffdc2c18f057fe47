"""Modal screens: warnings, cheat sheet, prompts."""
