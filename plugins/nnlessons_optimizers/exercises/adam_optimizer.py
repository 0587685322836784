"""Build: Adam as a torch.optim.Optimizer, from a specification.

Task
----
Write the class `Adam`, an optimizer on PyTorch's torch.optim.Optimizer API
that does what torch.optim.Adam does (its plain form: no amsgrad, no
maximize), so that a training loop can use it in torch.optim.Adam's place:

    optimizer = Adam(model.parameters(), lr=1e-3)
    for x, y in batches:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

The update of one parameter is the one you wrote in adam-step (the lesson's
section "The update rules"); the lesson's section "An optimizer of your own"
says what torch.optim.Optimizer does for you.

Specification
-------------
`Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)`

- a subclass of torch.optim.Optimizer. `params` is what torch.optim.Adam
  takes: an iterable of tensors, or of parameter groups (dicts with
  "params" and any of lr, betas, eps, weight_decay of their own). A group
  takes the constructor's value for each hyper-parameter it does not set.
- zero_grad(), state_dict() and load_state_dict() are torch.optim.Optimizer's,
  inherited as they are: an optimizer loaded from another's state_dict()
  continues exactly where that one stopped.

`step(closure=None)`: one Adam update of every parameter with a gradient.

- a parameter whose .grad is None is skipped: it does not move, and its
  state is not touched.
- every hyper-parameter is read from the parameter's group at this step: a
  scheduler may change group["lr"] between steps.
- weight decay is torch.optim.Adam's: weight_decay * p is added to the
  gradient before the averages (not AdamW's decoupled decay).
- t in the bias correction is the number of updates this parameter has had
  (a parameter skipped at some steps has had fewer than the optimizer).
- everything a parameter needs at its next step lives in self.state[p], so
  that state_dict() saves it and load_state_dict() restores it.
- the parameters change in place, without recording autograd history;
  p.grad is not changed.
- with a closure, call it first (with autograd on) and return what it
  returned; without one, return None.

Example
-------
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> b = torch.nn.Parameter(torch.tensor([0.5]))
    >>> optimizer = Adam([{"params": [w]}, {"params": [b], "lr": 0.01}], lr=0.1)
    >>> w.grad = torch.tensor([0.5, -1.0])          # b has no gradient yet
    >>> optimizer.step()
    >>> w.detach(), b.detach()
    (tensor([ 0.9000, -1.9000]), tensor([0.5000]))
    >>> w.grad, b.grad = torch.tensor([0.5, 1.0]), torch.tensor([2.0])
    >>> optimizer.step()
    >>> w.detach(), b.detach()
    (tensor([ 0.8000, -1.9053]), tensor([0.4900]))
    >>> optimizer.state[w]["step"], optimizer.state[b]["step"]
    (2, 1)

(The state's names, "step", "exp_avg" and "exp_avg_sq", are torch.optim.Adam's;
the check does not require them.)

Rules
-----
- torch.optim.Adam, torch.optim.AdamW and their functional forms are
  switched off while your code runs. torch.optim.Optimizer is allowed: build
  on it.
- The check runs your class next to torch.optim.Adam on the same
  gradients, reading your weights after every step: two parameters of one
  shape, two parameter groups with their own lr, betas, eps and
  weight_decay, parameters without a gradient at some steps (one never has
  one), a learning-rate schedule, a state_dict() saved halfway and loaded
  into a new optimizer that goes on, PyTorch's defaults in float32, and a
  step with a closure. Weights must agree within 1e-10 + 1e-8 x |PyTorch|
  in float64, 1e-6 + 1e-5 x |PyTorch| in float32.
"""

import torch


class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        raise NotImplementedError("write this class")

    def step(self, closure=None):
        raise NotImplementedError("write this method")
