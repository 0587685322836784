"""Parameter counts by hand: a Conv2d layer, a Linear layer, and the whole of LeNet-5.

Task
----
Complete three functions, with arithmetic only:

- `conv_params(in_channels, out_channels, kernel)`: the parameters of
  nn.Conv2d(in_channels, out_channels, kernel) (square kernel, with bias). Its weight has
  shape [out_channels, in_channels, kernel, kernel]: every filter spans all input channels,
  and each filter has one bias.
- `linear_params(in_features, out_features)`: the parameters of nn.Linear(in_features,
  out_features) (with bias): one row of weights and one bias per output.
- `lenet_param_count(num_classes=10)`: the parameters of the lesson's LeNet-5 for 32 x 32
  grey images:

      conv1 Conv2d(1, 6, 5) -> ReLU -> MaxPool2d(2, 2) -> conv2 Conv2d(6, 16, 5) -> ReLU
      -> MaxPool2d(2, 2) -> Flatten -> fc1 Linear(?, 120) -> ReLU -> fc2 Linear(120, 84)
      -> ReLU -> fc3 Linear(84, num_classes)

  Work out fc1's inputs with the output-size formula (the note's "6@5x5" is wrong).

Shapes
------
- all arguments: Python ints >= 1
- each function returns a Python int

Example
-------
    >>> conv_params(5, 10, 3)      # note 001's layer: 10 * (5 * 9 + 1)
    460
    >>> linear_params(120, 84)
    10164
    >>> lenet_param_count()
    61706

Rules
-----
- Arithmetic only: build no layers (nn.Conv2d, nn.Linear or any nn.Module; the check makes
  creating one raise while your functions run).
- The check compares each number, exactly, with sum(p.numel() for p in layer.parameters())
  of the real layers: 40 random Conv2d and 40 random Linear sizes, the lesson's layers, and
  LeNet-5 with 10, 2 and 100 classes.
"""


def conv_params(in_channels: int, out_channels: int, kernel: int) -> int:
    raise NotImplementedError("write this function")


def linear_params(in_features: int, out_features: int) -> int:
    raise NotImplementedError("write this function")


def lenet_param_count(num_classes: int = 10) -> int:
    raise NotImplementedError("write this function")
