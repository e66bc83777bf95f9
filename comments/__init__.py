"""Comments: the model and its history, sanitizing, submit/edit/delete, the public API."""
