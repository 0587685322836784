# expect: max of the whole tensor
import torch


def softmax(logits, dim=-1):
    exps = torch.exp(logits - logits.max())
    return exps / exps.sum(dim=dim, keepdim=True)
