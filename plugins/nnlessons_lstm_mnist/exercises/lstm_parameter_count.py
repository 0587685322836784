"""The parameter count of an LSTM layer, and of the lesson's row-reading classifier.

Task
----
Complete two functions, with arithmetic only:

- `lstm_parameter_count(input_size, hidden_size)`: the parameters of
  nn.LSTM(input_size, hidden_size), one layer, one direction, with its biases. Its tensors:

      weight_ih_l0  (4 * hidden, input)     input of the step -> the four gates i, f, g, o
      weight_hh_l0  (4 * hidden, hidden)    previous hidden state -> the four gates
      bias_ih_l0    (4 * hidden,)           PyTorch keeps two bias vectors (for cuDNN);
      bias_hh_l0    (4 * hidden,)           only their sum matters, but both are parameters

- `row_classifier_parameter_count(hidden_size=100)`: the parameters of the lesson's
  classifier: LSTM(28, hidden_size) reading the 28 rows of 28 pixels, then Linear(hidden_size,
  10) on the last hidden state.

Shapes
------
- arguments: Python ints >= 1
- each function returns a Python int

Example
-------
    >>> lstm_parameter_count(28, 100)     # the lesson's LSTM: 4 * 100 * (28 + 100) + 8 * 100
    52000
    >>> row_classifier_parameter_count()  # + Linear(100, 10)
    53010

Rules
-----
- Arithmetic only: build no layers (the check makes creating any nn.Module raise while your
  functions run).
- The check compares each number, exactly, with sum(p.numel() for p in model.parameters())
  of nn.LSTM for the lesson's sizes and 40 random ones, and of the lesson's classifier for
  hidden sizes 100, 1, 16 and 256.
"""


def lstm_parameter_count(input_size: int, hidden_size: int) -> int:
    raise NotImplementedError("add up weight_ih (4h x in), weight_hh (4h x h) and the two bias vectors (4h each)")


def row_classifier_parameter_count(hidden_size: int = 100) -> int:
    raise NotImplementedError("the LSTM reading rows of 28 pixels, plus Linear(hidden_size, 10)")
