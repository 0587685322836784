"""The parameter count of an LSTM layer, and of the lesson's row-reading classifier.

Task
----
Complete two functions, with arithmetic only:

- `lstm_parameter_count(input_size, hidden_size)`: the number of parameters of
  nn.LSTM(input_size, hidden_size): one layer, one direction, with PyTorch's biases.
- `row_classifier_parameter_count(hidden_size=100)`: the number of parameters of the lesson's
  classifier: an LSTM with hidden size `hidden_size` reading the 28 rows of 28 pixels, then a
  fully connected layer from the last hidden state to the 10 digits.

Which tensors nn.LSTM holds, and their shapes, is in the lesson ("The LSTM cell and its four
gates", `nnlessons explain lstm-mnist`).

Shapes
------
- arguments: Python ints >= 1
- each function returns a Python int

Example
-------
    >>> lstm_parameter_count(28, 100)     # the lesson's LSTM
    52000
    >>> lstm_parameter_count(1, 1)
    16
    >>> row_classifier_parameter_count()  # the lesson's whole model
    53010

Rules
-----
- Arithmetic only: build no layers (the check makes creating any nn.Module raise while your
  functions run).
- The check compares each number, exactly, with sum(p.numel() for p in model.parameters())
  of nn.LSTM for the lesson's sizes and 40 random ones, and of the lesson's classifier for
  hidden sizes 100, 1, 16 and 256 and for the default.
"""


def lstm_parameter_count(input_size: int, hidden_size: int) -> int:
    raise NotImplementedError("write this function")


def row_classifier_parameter_count(hidden_size: int = 100) -> int:
    raise NotImplementedError("write this function")
