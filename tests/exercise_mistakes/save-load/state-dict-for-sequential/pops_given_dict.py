# expect: changed its input 'state_dict' in place
def to_sequential_names(state_dict):
    renamed = {}
    for key in list(state_dict):
        renamed[key.replace("hidden.", "0.").replace("predict.", "2.")] = state_dict.pop(key)
    return renamed
