"""Jobs: one module per command, composing stages and writing run directories."""
