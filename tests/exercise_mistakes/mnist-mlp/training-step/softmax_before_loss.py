# expect: CrossEntropyLoss of softmax probabilities
import torch


def training_step(model, loss_fn, optimizer, images, labels):
    probabilities = torch.softmax(model(images), dim=1)
    loss = loss_fn(probabilities, labels)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    return loss.detach()
