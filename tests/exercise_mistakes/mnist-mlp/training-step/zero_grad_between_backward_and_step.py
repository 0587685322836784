# expect: the parameters did not change
import torch


def training_step(model, loss_fn, optimizer, images, labels):
    loss = loss_fn(model(images), labels)
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    return loss.detach()
