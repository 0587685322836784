# expect: gradients pile up
import torch


def training_step(model, loss_fn, optimizer, images, labels):
    loss = loss_fn(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.detach()
