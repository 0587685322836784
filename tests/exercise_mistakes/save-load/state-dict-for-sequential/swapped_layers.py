# expect: holds predict.weight
def to_sequential_names(state_dict):
    return {key.replace("hidden.", "2.").replace("predict.", "0."): value for key, value in state_dict.items()}
