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
        forbids=(forbid.LSTM.because("your code called PyTorch's LSTM (nn.LSTMCell, nn.LSTM or torch.lstm_cell); this exercise asks for the gate equations written out."),),
        hints=(
            "All four gates come from one matrix product: z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh has 4H columns. "
            "Cut it into four blocks of H columns, in PyTorch's order: input, forget, cell candidate, output.",
            "i, f, g, o = z.split(H, dim=1) (or z.chunk(4, dim=1)). i, f and o go through a sigmoid (0..1, how much), "
            "g through a tanh (-1..1, the content).",
            "c_new = sigmoid(f) * c + sigmoid(i) * tanh(g); h_new = sigmoid(o) * tanh(c_new); return h_new, c_new",
        ),
    ),
    Exercise(
        id="lstm-parameter-count",
        title="The LSTM parameter count: 4 * h * (in + h) + 8 * h",
        package=PACKAGE,
        starter="lstm_parameter_count.py",
        solution="solutions/lstm_parameter_count.py",
        check=f"{CHECKS}:check_lstm_parameter_count",
        forbids=(forbid.LAYERS.because("your code built a layer (an nn.Module); this exercise asks for the count by arithmetic, from the shapes of the weights."),),
        hints=(
            "List nn.LSTM's tensors: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0. Each has 4 * hidden rows, "
            "one block of rows per gate.",
            "weight_ih is (4h, in), weight_hh is (4h, h), and there are two bias vectors of 4h each. The classifier "
            "adds Linear(h, 10): h * 10 weights and 10 biases.",
            "lstm = 4 * h * (in + h) + 8 * h; classifier = lstm_parameter_count(28, h) + 10 * h + 10",
        ),
    ),
    Exercise(
        id="row-classifier",
        title="The row-reading classifier: 28 rows as 28 time steps",
        package=PACKAGE,
        starter="row_classifier.py",
        solution="solutions/row_classifier.py",
        check=f"{CHECKS}:check_row_classifier",
        hints=(
            "In __init__: self.lstm = nn.LSTM(input_size=28, hidden_size=hidden_size, batch_first=True) and "
            "self.fc = nn.Linear(hidden_size, 10). batch_first=True makes the LSTM read (B, 28 steps, 28 pixels).",
            "nn.LSTM returns (outputs, (h_n, c_n)); outputs is (B, 28, H), the hidden state after every row. "
            "The classifier reads only the state after the last row.",
            "outputs, _ = self.lstm(images); return self.fc(outputs[:, -1, :])   # (B, H) -> (B, 10)",
        ),
    ),
]
