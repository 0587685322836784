"""The save-load exercises: a state_dict round trip, a state_dict renamed for nn.Sequential, a whole-model
file loaded with weights_only=True and an allowlist, and a checkpoint that resumes training exactly
(no torch imported here)."""

from nnlessons.practice import Exercise, forbid

PACKAGE = __name__
CHECKS = "nnlessons_save_load.exercises.checks"

EXERCISES = [
    Exercise(
        id="state-dict-round-trip",
        title="Save the weights, restore them into a fresh net",
        package=PACKAGE,
        starter="state_dict_round_trip.py",
        solution="solutions/state_dict_round_trip.py",
        check=f"{CHECKS}:check_state_dict_round_trip",
        forbids=(forbid.UNSAFE_LOAD,),
        hints=(
            "Save only the numbers: model.state_dict() is a dict from names ('hidden.weight', ...) to tensors. "
            "To restore, build the net in code first, then pour the numbers in.",
            "save: torch.save(model.state_dict(), path). load: net = RegressionNet(hidden); "
            "net.load_state_dict(torch.load(path, weights_only=True)).",
            "Do not forget net.eval() before returning: the net is for predicting now.",
        ),
    ),
    Exercise(
        id="state-dict-for-sequential",
        title="Rename a state_dict for nn.Sequential",
        package=PACKAGE,
        starter="sequential_state_dict.py",
        solution="solutions/sequential_state_dict.py",
        check=f"{CHECKS}:check_state_dict_for_sequential",
        hints=(
            "print(sequential_net()) lists the layers with their indices: 0 is the first Linear, 1 the ReLU, "
            "2 the second Linear. A Sequential names parameters '<index>.<parameter>'.",
            "The ReLU has no parameters, so index 1 never appears: 'hidden.*' becomes '0.*' and 'predict.*' becomes '2.*'.",
            "return {key.replace('hidden.', '0.').replace('predict.', '2.'): value for key, value in state_dict.items()}",
        ),
    ),
    Exercise(
        id="allowlisted-load",
        title="Load a whole-model file with weights_only=True",
        package=PACKAGE,
        starter="allowlisted_load.py",
        solution="solutions/allowlisted_load.py",
        check=f"{CHECKS}:check_allowlisted_load",
        forbids=(forbid.UNSAFE_LOAD,),
        hints=(
            "torch.load(path) refuses a whole-model file because the file names classes. "
            "Allow exactly the trusted ones for this one load, and keep weights_only=True.",
            "torch.serialization.safe_globals([...]) is a context manager: the classes it lists are allowed only "
            "inside the with-block. add_safe_globals would allow them for the rest of the program.",
            "with torch.serialization.safe_globals([RegressionNet, nn.Sequential, nn.Linear, nn.ReLU]): "
            "return torch.load(path, weights_only=True)",
        ),
    ),
    Exercise(
        id="resume-training",
        title="A checkpoint that resumes training exactly",
        package=PACKAGE,
        starter="checkpoint.py",
        solution="solutions/checkpoint.py",
        check=f"{CHECKS}:check_resume_training",
        forbids=(forbid.UNSAFE_LOAD,),
        hints=(
            "Resuming needs three things: the weights, the optimizer's state (momentum buffers, Adam's moments "
            "and step count) and the epoch. Save all three in one dict.",
            "Save state_dicts, not the objects: torch.save({'model': model.state_dict(), 'optimizer': "
            "optimizer.state_dict(), 'epoch': epoch}, path) loads with weights_only=True.",
            "checkpoint = torch.load(path, weights_only=True); model.load_state_dict(checkpoint['model']); "
            "optimizer.load_state_dict(checkpoint['optimizer']); return checkpoint['epoch']",
        ),
    ),
]
