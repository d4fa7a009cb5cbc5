"""Message contracts shared by the edge and the workers: envelope, commands, events, routing."""
