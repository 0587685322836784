# expect: (loss.item()?)
import torch


def training_step(model, loss_fn, optimizer, images, labels):
    optimizer.zero_grad()
    loss = loss_fn(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()
