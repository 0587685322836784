# expect: not the loss_fn passed in
import torch
import torch.nn.functional as F


def training_step(model, loss_fn, optimizer, images, labels):
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return loss.detach()
