"""The parameter count of an LSTM layer and of the row-reading classifier (reference solution)."""

ROW_WIDTH = 28  # pixels per row: the input of one time step
CLASSES = 10


def lstm_parameter_count(input_size: int, hidden_size: int) -> int:
    gates = 4 * hidden_size  # rows of every LSTM tensor: one block per gate i, f, g, o
    return gates * input_size + gates * hidden_size + 2 * gates  # weight_ih + weight_hh + bias_ih + bias_hh


def row_classifier_parameter_count(hidden_size: int = 100) -> int:
    return lstm_parameter_count(ROW_WIDTH, hidden_size) + hidden_size * CLASSES + CLASSES  # + Linear(h, 10)
