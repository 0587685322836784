# expect: torch.optim.Adam, AdamW and their functional forms are switched off
import torch


class Adam(torch.optim.Adam):
    pass
