# expect: an N x N block
import torch


def cross_entropy(logits, labels):
    log_probs = logits - logits.logsumexp(dim=1, keepdim=True)
    return -log_probs[:, labels].mean()
