# expect: still RegressionNet's names
def to_sequential_names(state_dict):
    return dict(state_dict)
