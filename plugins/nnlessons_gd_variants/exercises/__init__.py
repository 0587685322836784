"""The gd-variants exercises: the MSE gradient by hand, then one epoch of descent (no torch imported here)."""

from nnlessons.practice import Exercise

PACKAGE = __name__

EXERCISES = [
    Exercise(
        id="mse-gradient",
        title="The MSE gradient of y = w * x",
        package=PACKAGE,
        starter="mse_gradient.py",
        solution="solutions/mse_gradient.py",
        check="nnlessons_gd_variants.exercises.checks:check_mse_gradient",
        hints=(
            "Write the loss of one sample, (w * x_i - y_i) ** 2, and differentiate it with the chain rule: "
            "outer square, then the inside.",
            "The derivative of one term is 2 * (w * x_i - y_i) * x_i. The loss is a mean, so the gradient is the mean of these.",
            "return (2 * (w * x - y) * x).mean()   # keeps x's dtype; do not divide by anything else",
        ),
    ),
]
