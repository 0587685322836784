"""The lesson's small modern CNN, built from its layer table.

Task
----
Write the class `SmallCNN(dropout=0.3)`, the network cnn-mnist trains to more than 98.5 % on
MNIST, from this table alone (B is the batch size):

    name    kind                            output shape         parameters
    ------  ------------------------------  -------------------  ----------
            input                           (B, 1, 28, 28)
    conv1   convolution                     (B, 16, 28, 28)             144
    bn1     batch norm                      (B, 16, 28, 28)              32
            ReLU                            (B, 16, 28, 28)               0
            max pooling                     (B, 16, 14, 14)               0
    conv2   convolution                     (B, 32, 14, 14)           4,608
    bn2     batch norm                      (B, 32, 14, 14)              64
            ReLU                            (B, 32, 14, 14)               0
            max pooling                     (B, 32, 7, 7)                 0
    conv3   convolution                     (B, 64, 7, 7)            18,432
    bn3     batch norm                      (B, 64, 7, 7)               128
            ReLU                            (B, 64, 7, 7)                 0
            max pooling                     (B, 64, 3, 3)                 0
            flatten                         (B, 576)                      0
            dropout, probability `dropout`  (B, 576)                      0
    fc      fully connected                 (B, 10)                   5,770
                                                                 total 29,178

The kernel sizes, the padding, whether a layer has a bias and the pooling window are not
written: the shapes and the parameter counts determine them. Every convolution and pooling
window is square, with stride 1 for the convolutions.

`forward(images)` runs the rows in order and returns fc's output: the logits.

Shapes
------
- SmallCNN(dropout=0.3): `dropout` is the probability of the dropout row
- forward(images): images (B, 1, 28, 28), float32 or float64 -> logits (B, 10), the same dtype
- the layers with parameters are attributes named as in the table, so that the lesson's
  weights load into yours: conv1.weight, bn1.weight, bn1.bias, ..., fc.weight, fc.bias

Example
-------
    >>> model = SmallCNN()
    >>> model(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    >>> sum(p.numel() for p in model.parameters())
    29178

Rules
-----
- Dropout must follow the module's mode: active after model.train(), off after model.eval(),
  with the probability given to the constructor.
- The check copies the lesson's weights and batch norm statistics into yours and compares your
  logits with the lesson's network in eval() (a batch of 4, of 1, float64) and in train() (batch
  statistics, dropout 0), to 1e-5 (1e-10 in float64); runs eval() twice with dropout 0.5 (the
  answers must be equal) and train() twice (they must differ); and, with the default dropout in
  train(), checks that what reaches fc is the flattened maps with the right share dropped and
  the right scaling.
"""

import torch
from torch import nn


class SmallCNN(nn.Module):
    def __init__(self, dropout: float = 0.3) -> None:
        super().__init__()
        raise NotImplementedError("create the layers of the table")

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("write this method")
