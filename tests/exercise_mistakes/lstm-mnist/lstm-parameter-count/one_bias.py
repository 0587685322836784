# expect: one bias vector is missing
def lstm_parameter_count(input_size, hidden_size):
    return 4 * hidden_size * (input_size + hidden_size) + 4 * hidden_size


def row_classifier_parameter_count(hidden_size=100):
    return lstm_parameter_count(28, hidden_size) + hidden_size * 10 + 10
