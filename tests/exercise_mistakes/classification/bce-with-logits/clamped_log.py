# expect: equals BCELoss(sigmoid(z))
import torch


def bce_with_logits(logits, targets):
    p = torch.sigmoid(logits)
    log_p = torch.log(p).clamp(min=-100)
    log_not_p = torch.log(1 - p).clamp(min=-100)
    return -(targets * log_p + (1 - targets) * log_not_p).mean()
