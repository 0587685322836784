r"""How a convolution changes a tensor's shape, with every number checked against PyTorch.

A convolution layer slides a small filter over an image and writes one number per
position. Everything about its shape follows from one counting rule, and everything
about its values from one sum. This lesson computes both by hand, with plain loops,
and puts PyTorch's answer next to each hand result, so you can see that they agree
(and by how much: the largest absolute difference is printed every time).

## What the run shows

1. **The output-size formula** next to the shape `F.conv2d` really returns, for a
   table of cases (the notes' layers, stride 2, padding, kernels that do not fit
   evenly) and for hundreds of random cases with different settings per axis.
2. **Note 002's example**: a 5x5 input and a fixed 3x3 kernel without bias, one row
   per output cell (the window, the products, their sum), then ReLU,
   `MaxPool2d(2, stride=2, padding=1)` and `Flatten` with their shapes; then the
   same grid given to `Conv2d` as 2-D, 3-D and 4-D input.
3. **The hand-written loops on random inputs**, with PyTorch as the judge.
4. **Note 000's colour example**: a 7x7x3 input, one 3x3x3 filter and a bias:
   one sum per colour channel, then the bias.
5. **Note 001's layer** `Conv2d(5, 10, 3)` on a 1x5x100x100 input: output, weight,
   bias and parameter count.
6. **LeNet-5**, in the modern form most courses use, on a 32x32 image, layer by
   layer, with its parameter count, and the 1998 original beside it.
7. **Feature maps** of a digit drawn by the lesson itself (`--digit`), after a
   freshly initialised `Conv2d(1, 32, 5)` (random filters, never trained) and after
   `MaxPool2d(2, 2)`, saved as `feature_maps_conv.png` and `feature_maps_pool.png`.
8. **Hand-made edge filters** on the same digit, beside the random ones, saved as
   `feature_maps_edges.png`.

It ends with a table of every claim the lesson made, the number that backs it, and
whether it holds; `run.json` holds the same numbers (`max_abs_diff_hand_vs_torch`,
`lenet_param_count`, `formula_mismatches`, `claims_failed`, ...).

## How big is the output?

Along one axis, an input of size `W` gets `P` extra zeros on each side, so the
padded length is `W + 2P`. A window of size `K` starts at `0, S, 2S, ...` and must
end inside the padded input, so the last start is at most `W + 2P - K`. Counting
the starts gives

```math
W_{out} = \lfloor (W - K + 2P) / S \rfloor + 1
```

When `S` does not divide `W + 2P - K`, the last `(W + 2P - K) mod S` pixels at the
right (or bottom) edge are never covered by any window: PyTorch drops them
silently (the "unused" column of the first table). Height and width are counted
separately with their own `K`, `P`, `S`. Max pooling uses the same formula
(PyTorch's default `ceil_mode=False`), and its stride defaults to its kernel size.

Two cases worth remembering: "same" padding `P = (K - 1) / 2` with `S = 1` keeps the
size (28 stays 28 with a 3x3 kernel and `P = 1`); `MaxPool2d(2, 2)` halves it
(28 becomes 14).

## What a convolution computes

For one filter and one output cell: take the window of the input under the filter,
multiply element by element, add everything up, add the filter's bias.

```python
for i, top in enumerate(range(0, H + 2 * P - K + 1, S)):
    for j, left in enumerate(range(0, W + 2 * P - K + 1, S)):
        window = padded[:, :, top:top + K, left:left + K]      # (N, C, K, K)
        out[:, :, i, j] = (window[:, None] * weight[None]).sum(dim=(2, 3, 4))
out += bias.view(1, -1, 1, 1)
```

That is `conv2d_by_hand` in `by_hand.py`. Three things follow from it:

- A filter spans **all** input channels: for an RGB image a 3x3 filter is really
  3x3x3. The sum runs over the channels too, so each filter produces **one**
  output channel, and there is **one** bias per filter, added once (not once per
  colour channel).
- The weight tensor of `Conv2d(C_in, C_out, K)` has shape `[C_out, C_in, K, K]` and
  the layer has

    ```math
    C_{out} \cdot (C_{in} \cdot K \cdot K + 1) \ \text{parameters.}
    ```

    `Conv2d(5, 10, 3)` has `10 * (5 * 9 + 1) = 460`.

- PyTorch does not flip the kernel (strictly, this is cross-correlation). With
  learned filters nobody can tell the difference.

## Shapes in PyTorch

Images travel as `[N, C, H, W]`: batch, channels, height, width. A single 5x5
grey image becomes `[1, 1, 5, 5]`, a batch of one. `nn.Conv2d` and the pooling
layers also take one image without the batch axis, `[C, H, W]` (`[1, 5, 5]`
here), and give the same numbers without that axis; a bare `[5, 5]` grid has no
channel axis and is refused. Step 2 runs all three. Other layers are not so
forgiving: `nn.Flatten()` keeps dimension 0 as the batch, so one unbatched
`[16, 5, 5]` image comes out as `[16, 25]`, sixteen "images" of 25 numbers, not
the `[400]` a Linear layer expects. Keeping the batch axis everywhere avoids it.
The lesson shows a 100-high, 60-wide input
turning into a 98 x 58 output to make the order visible. Pictures read from files
usually come as height x width x channels; move the axes with `permute(2, 0, 1)`.
`reshape(3, 7, 7)` gives the same shape but re-reads the memory in order and mixes
the colours up; the lesson prints both and their difference.

## From a table of layers to a module

Papers and notes often give a network as a table: each layer, the shape it
makes of one image, its parameter count. Everything else follows from the two
formulas above. A 3 x 3 convolution that keeps 28 x 28 needs padding 1
(`28 + 2P - 3 + 1 = 28`); one that turns 14 into 12 has none. A max pooling of
2 halves both sides. The first `Linear` reads the flattened `C * H * W` of the
last feature maps, and its parameter count `out * (C * H * W + 1)` confirms it.
In `forward`, flatten all but the batch axis (`x.flatten(1)`), put each ReLU and
pooling where the table has it (pooling in the wrong place can keep every shape
and still change the numbers), and return the last layer's raw scores.

## What to look at in the output

- In the formula table, the rows marked "does not fit": the fraction column is not
  a whole number, the formula rounds down, and PyTorch agrees.
- In note 002's table, each output cell is just the sum of its "window * kernel"
  column. Here ReLU changes nothing, because every output is positive; that is a
  property of this input, not of ReLU.
- The pooling pitfall table: on negative numbers, padding with zeros would invent
  maxima of 0 at the border. PyTorch pads max pooling with minus infinity, so a
  padded cell can never win.
- In the LeNet table, 78% of the parameters (48,120 of 61,706) sit in the first
  fully connected layer (the run prints the share): convolutions share their
  weights across positions, dense layers do not.
- In the feature-map plots, remember that the 32 filters are random: a new layer's
  initial weights, never trained. Each map is the digit seen through a random 5x5
  pattern, so strokes show up in many maps, in red or blue, but no filter has
  learned to look for anything; `--seed 1` draws others. After pooling the maps are
  half the size and redder: each pooled value is the largest of its 2x2 block, never
  below the block's average, so the mean activation goes up (the lesson prints both
  means) and negative responses fade.
- Step 8 and `feature_maps_edges.png`: three filters made by hand to mean
  something, weights of -1, 0 and 1 summing to 0 (brightness growing downwards, to
  the right, across the diagonal). On a flat 5x5 window, every pixel the same
  value v, a filter without its bias gives v times the sum of its weights: 0 for
  an edge filter whatever v is, not 0 for a random filter unless v = 0. The digit
  cannot show that difference: its flat windows are all background, v = 0, where
  every filter without a bias gives 0 and a random filter only adds its bias (the
  run prints the values of the digit's flat windows). So the step also tries flat
  windows of value 0, 0.25, 0.5 and 1: the first table prints each filter's
  weight sum and its output at each v, the edge filters' 0 at every v next to
  the random filters' v times their sum. On the digit the edge filters answer
  only on the edges of strokes in their direction, red on one side, blue on the
  other. A filter that detects something is either made by hand, like these, or
  learned in training; nothing trained step 7's filters.

## Pitfalls

- `Conv2d` wants a float tensor of 3 dimensions (one image, `[C, H, W]`) or 4 (a
  batch, `[N, C, H, W]`). A bare 5x5 grid is refused: `.view(1, 5, 5)` or
  `.view(1, 1, 5, 5)` first. A weight assigned by hand must be float with shape
  `[C_out, C_in, K, K]`, even for a single filter.
- `Flatten` keeps the batch axis: `[1, 16, 5, 5]` becomes `[1, 400]`, not `[400]`.
- The first `Linear` after the convolutions needs exactly `C * H * W` inputs; work
  it out with the formula (or run one example through the network) before writing
  `nn.Linear(...)`.
- On a GPU, cuDNN may compute float32 convolutions in TF32 (about 3 decimal
  digits). The lesson turns that off while it compares, so differences stay at
  float32 rounding (about 1e-6).

## LeNet-5, then and now

The network of step 6 is the modern variant of LeNet-5 that courses and tutorials
build today, not the network LeCun, Bottou, Bengio and Haffner published in 1998.
The shapes are the same (32 -> 28 -> 14 -> 10 -> 5, then 120, 84, 10); the parts
differ:

- **Squashing, not ReLU**: the original passes the output of every layer up to F6
  through a scaled tanh, a sigmoid-like function; ReLU came into use much later.
- **Subsampling, not max pooling**: S2 and S4 add up each 2x2 block, multiply by a
  trainable coefficient, add a trainable bias and squash: an average pooling with
  two parameters per map.
- **Partial connections in C3**: each of its 16 maps reads only 3, 4 or all 6 of
  S2's maps, by a fixed table (60 of the 96 possible pairs), to save computation
  and to make the maps differ; the modern conv2 reads all 6.
- **C5 is a convolution**: 120 filters of 5x5 over all 16 maps. On a 32x32 input
  its output is 1x1, so it computes exactly what `Flatten` + `Linear(400, 120)`
  does; the run checks this with fc1's own weights.
- **The output**: 10 Gaussian radial-basis units, each measuring the distance
  between F6's 84 values and a fixed code for its class (the loss pushes that
  distance down), not a Linear layer giving logits to cross-entropy.

Counted from that description, the original has 60,000 trainable parameters
against the modern variant's 61,706; the run prints both, layer by layer.

## Where the notes are wrong

- **Note 003, LeNet**: after the second pooling the note writes "6@5x5". Pooling
  never changes the number of channels, and the second convolution has 16 filters,
  so it is **16@5x5**: 400 numbers, which is what the first fully connected layer
  takes. The lesson feeds that layer the 150 numbers of "6@5x5" and shows PyTorch
  refusing them.
- **Note 002's code** does not run: `dytype=` should be `dtype=`; the kernel is
  assigned as an integer tensor of shape `[1, 3, 3]` to `conv1.weight.data`, which
  PyTorch rejects (the lesson runs that line and prints the error); it must be a
  float tensor of shape `[1, 1, 3, 3]`; and `print(conv_layer)` names a layer that
  was never defined. It also spells CNN "Convolutional Natural Networks" (neural).
- **Note 001** writes the input as `B x C x W x H` and calls
  `torch.randn(batch, channels, width, height)`. PyTorch's order is
  `[N, C, H, W]`; with a square 100x100 input nobody notices, with a 100-high,
  60-wide input the output is 98 x 58, height first.
- **Note 000** calls its input "7x7x3". In the figure it follows (the numbers,
  filter W0 and bias b0 = 1, match the well-known CS231n demo), the outer ring of
  the 7x7 is zero padding around a 5x5x3 image. Both readings give the same output,
  and the lesson shows it: a 5x5x3 image with `padding=1` matches the 7x7x3 volume
  exactly. Its worked cell (channel sums 0, 2, 0, plus bias 1, gives 3) is right;
  the lesson's own image is built to reproduce it. The note also swaps the labels
  when it contrasts "NN" and "CNN" in one heading.
- **Note 003's feature-map code** reshapes a picture read with `plt.imread`
  straight to `[-1, 1, 28, 28]`: an RGB file (28 x 28 x 3) silently becomes three
  "images" with the colours mixed in; convert to grey first. One line of that code
  is indented by mistake (an `IndentationError`), and it plots only the first 20 of
  the 32 feature maps. This lesson draws its own digit, so nothing is downloaded.

## Try this

- `--case "13,4,1,3; 9,2,0,2"` adds your own W,K,P,S settings to the first table.
- `--digit 3 --feature-maps 16` draws another digit with fewer filters.
- `--seed 1` draws other filters: the maps change, the shapes do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nnlessons import LessonInfo, Option, hookimpl

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext


@hookimpl
def nnlessons_lesson_info() -> LessonInfo:
    return LessonInfo(
        id="cnn-shapes",
        title="CNN shapes",
        summary="Output sizes, convolutions by hand vs PyTorch, LeNet layer by layer, feature maps of a drawn digit.",
        concepts=("Conv2d", "padding and stride", "output-size formula", "MaxPool2d", "Flatten", "LeNet-5",
                  "parameter count", "feature maps"),
        cpu_seconds=5,
        options=(
            Option("case", str, "", "Your own shape cases 'W,K,P,S' (several separated by ';') added to the formula table."),
            Option("random_cases", int, 200, "Random (H, W, K, P, S) settings on which the formula is checked.",
                   min=1, max=5_000, quick=30),
            Option("random_convs", int, 16, "Random inputs on which the hand-written loops are compared with PyTorch.",
                   min=1, max=500, quick=4),
            Option("feature_maps", int, 32, "Filters of the Conv2d(1, N, 5) whose feature maps are plotted.",
                   min=1, max=64),
            Option("digit", str, "7", "The digit drawn as the input of the feature-map plots.",
                   choices=("0", "1", "3", "7")),
        ),
        order=70,
    )


@hookimpl
def nnlessons_check_params(params: Mapping[str, Any]) -> None:
    """A --case PyTorch could not run is refused before the run makes its folder."""
    from nnlessons_cnn_shapes.shape_case import parse_user_cases  # no torch

    parse_user_cases(params["case"])


@hookimpl
def nnlessons_run(ctx: RunContext) -> dict[str, Any]:
    from nnlessons_cnn_shapes.lesson import run  # torch is imported only when the lesson runs

    return run(ctx)


@hookimpl
def nnlessons_exercises():
    from nnlessons_cnn_shapes.exercises import EXERCISES

    return EXERCISES
