"""Reference solutions of the cnn-mnist exercises."""
