# expect: a Linear layer has one bias per output
def conv_params(in_channels, out_channels, kernel):
    return out_channels * (in_channels * kernel * kernel + 1)


def linear_params(in_features, out_features):
    return in_features * out_features


def lenet_param_count(num_classes=10):
    return (conv_params(1, 6, 5) + conv_params(6, 16, 5) + linear_params(400, 120) + linear_params(120, 84)
            + linear_params(84, num_classes))
