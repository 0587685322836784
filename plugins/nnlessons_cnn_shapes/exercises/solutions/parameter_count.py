"""Parameter counts by hand (reference solution)."""


def conv_params(in_channels: int, out_channels: int, kernel: int) -> int:
    return out_channels * (in_channels * kernel * kernel + 1)  # weight [O, C, K, K] + one bias per filter


def linear_params(in_features: int, out_features: int) -> int:
    return out_features * (in_features + 1)  # weight [out, in] + one bias per output


def lenet_param_count(num_classes: int = 10) -> int:
    # 32 -> conv 5 -> 28 -> pool -> 14 -> conv 5 -> 10 -> pool -> 5: fc1 reads 16 channels of 5 x 5 = 400
    return (conv_params(1, 6, 5) + conv_params(6, 16, 5) + linear_params(16 * 5 * 5, 120)
            + linear_params(120, 84) + linear_params(84, num_classes))
