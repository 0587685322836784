"""The lstm-mnist exercises: one LSTM cell step, the LSTM parameter count, the row-reading classifier (no torch imported here)."""

from nnlessons.practice import Exercise, forbid

PACKAGE = __name__
CHECKS = "nnlessons_lstm_mnist.exercises.checks"

EXERCISES = [
    Exercise(
        id="lstm-cell-step",
        title="One LSTM cell step, gates in PyTorch's order i, f, g, o",
        package=PACKAGE,
        starter="lstm_cell_step.py",
        solution="solutions/lstm_cell_step.py",
        check=f"{CHECKS}:check_lstm_cell_step",
        level="core",
        minutes=15,
        timeout=10,
        forbids=(forbid.LSTM.because("your code called PyTorch's LSTM (nn.LSTMCell, nn.LSTM or torch.lstm_cell); this exercise asks for the gate equations written out."),),
        hints=(
            "All four gates come from one matrix product of x and one of h, plus both biases: 4H numbers per row. "
            "The weights are stored (4H, D) and (4H, H), like nn.Linear's, so multiply by their transposes.",
            "Cut those 4H columns into four blocks of H in PyTorch's order: input, forget, cell candidate, output. "
            "i, f and o go through a sigmoid (0..1: how much), g through a tanh (-1..1: the content). Then "
            "c_new = f * c + i * g and h_new = o * tanh(c_new).",
            "Outline:\n"
            "    hidden = h.shape[1]\n"
            "    z = ...                                # (B, 4H): x and h through their weights, both biases: your line\n"
            "    i, f, g, o = z.split(hidden, dim=1)\n"
            "    c_new = ...                            # keep some of c, write some of the candidate\n"
            "    h_new = ...\n"
            "    return h_new, c_new",
        ),
    ),
    Exercise(
        id="lstm-parameter-count",
        title="The parameter count of an LSTM layer and of the row classifier",
        package=PACKAGE,
        starter="lstm_parameter_count.py",
        solution="solutions/lstm_parameter_count.py",
        check=f"{CHECKS}:check_lstm_parameter_count",
        level="warm-up",
        minutes=10,
        timeout=10,
        forbids=(forbid.LAYERS.because("your code built a layer (an nn.Module); this exercise asks for the count by arithmetic, from the shapes of the weights."),),
        hints=(
            "List nn.LSTM's tensors: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0. Each has one block of "
            "rows per gate.",
            "There are four gates, so every tensor has 4 * hidden rows: weight_ih is (4h, in), weight_hh is (4h, h), "
            "and two bias vectors of 4h each. The classifier adds a Linear(h, 10): its weights and its 10 biases.",
            "Outline:\n"
            "    lstm_parameter_count:            gates = 4 * hidden_size\n"
            "                                     return ...     # weight_ih + weight_hh + both biases: your line\n"
            "    row_classifier_parameter_count:  return lstm_parameter_count(28, hidden_size) + ...   # the Linear layer",
        ),
    ),
    Exercise(
        id="row-classifier",
        title="The row-reading sequence classifier from its specification",
        package=PACKAGE,
        starter="row_classifier.py",
        solution="solutions/row_classifier.py",
        check=f"{CHECKS}:check_row_classifier",
        level="build",
        minutes=20,
        timeout=10,
        hints=(
            "Two layers with weights, created in __init__ as self.lstm (nn.LSTM) and self.fc (nn.Linear). An image "
            "(B, 28, 28) is already a batch of sequences: 28 steps of 28 numbers each.",
            "nn.LSTM expects (time, batch, features) unless it is created with batch_first=True; a (B, 28, 28) batch "
            "runs without error either way, so the wrong choice silently mixes the images. It returns "
            "(outputs, (h_n, c_n)); outputs is (B, 28, H), the hidden state after every row.",
            "Outline:\n"
            "    __init__:  super().__init__()\n"
            "               self.lstm = nn.LSTM(...)   # 28 inputs per step, hidden_size, batch axis first: your line\n"
            "               self.fc = ...\n"
            "    forward:   outputs, _ = self.lstm(images)      # (B, 28, H)\n"
            "               return ...                          # fc of the state after the last row, (B, H)",
        ),
    ),
]
