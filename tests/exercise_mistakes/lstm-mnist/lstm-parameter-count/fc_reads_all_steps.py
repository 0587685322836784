# expect: fc reads all 28 steps
def lstm_parameter_count(input_size, hidden_size):
    return 4 * hidden_size * (input_size + hidden_size) + 8 * hidden_size


def row_classifier_parameter_count(hidden_size=100):
    return lstm_parameter_count(28, hidden_size) + 28 * hidden_size * 10 + 10
