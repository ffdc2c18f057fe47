"""The app's keymap: notation, bindings, keymap files, actions and the cheat sheet."""
