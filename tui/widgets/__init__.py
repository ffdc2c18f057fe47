"""notesift's widgets: one per module, each fed attributes by the app."""
