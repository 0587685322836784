"""full_float32 turns TF32 off inside the block and puts the flags back."""

import torch

from nnlessons.precision import full_float32


def test_full_float32_turns_tf32_off_and_restores_the_flags():
    cudnn, matmul = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    with full_float32():
        assert torch.backends.cudnn.allow_tf32 is False
        assert torch.backends.cuda.matmul.allow_tf32 is False
    assert (torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32) == (cudnn, matmul)
