# expect: index 1 of the Sequential is the ReLU
def to_sequential_names(state_dict):
    # "the second layer" is index 1
    return {key.replace("hidden.", "0.").replace("predict.", "1."): value for key, value in state_dict.items()}
