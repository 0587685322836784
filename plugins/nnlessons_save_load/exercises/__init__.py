"""The save-load exercises: a state_dict round trip, a state_dict renamed for nn.Sequential, a whole-model
file loaded with weights_only=True and an allowlist, a checkpoint that resumes training exactly, and a whole
resumable training run built from a specification (no torch imported here)."""

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
        level="warm-up",
        minutes=10,
        timeout=10,
        hints=(
            "Save only the numbers: model.state_dict() is a dict from names ('hidden.weight', ...) to tensors. "
            "To restore, build the net in code first, then pour the numbers in.",
            "torch.save(model.state_dict(), path) writes the numbers; model.load_state_dict(...) copies a dict of "
            "them into a net built in code, matched by name; torch.load(path, weights_only=True) reads them back.",
            "load_weights: model = RegressionNet(hidden); ...  # pour the saved tensors into it: your line; "
            "return ...  # ready to predict: your line.",
        ),
    ),
    Exercise(
        id="state-dict-for-sequential",
        title="Rename a state_dict for nn.Sequential",
        package=PACKAGE,
        starter="sequential_state_dict.py",
        solution="solutions/sequential_state_dict.py",
        check=f"{CHECKS}:check_state_dict_for_sequential",
        level="warm-up",
        minutes=10,
        timeout=10,
        hints=(
            "print(sequential_net()) lists the layers with their indices. A Sequential names parameters "
            "'<index>.<parameter>'.",
            "The ReLU (index 1) has no parameters, so index 1 never appears: 'hidden.*' becomes '0.*' and "
            "'predict.*' becomes '2.*'. Build a new dict; the tensors stay the same.",
            "renamed = {}; for key, tensor in state_dict.items(): layer, _, parameter = key.partition('.'); "
            "renamed[...] = tensor  # the Sequential's name for it: your line; return renamed",
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
        level="core",
        minutes=15,
        timeout=10,
        hints=(
            "torch.load(path) refuses a whole-model file because the file names classes. "
            "Allow exactly the trusted ones for this one load, and keep weights_only=True.",
            "torch.serialization.safe_globals([...]) is a context manager: the classes it lists are allowed only "
            "inside the with-block. add_safe_globals would allow them for the rest of the program.",
            "TRUSTED = [RegressionNet, nn.Sequential, nn.Linear, nn.ReLU]; inside the function: with ...:  # allow "
            "TRUSTED for this block only: your line; then return the weights_only=True load inside it.",
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
        level="core",
        minutes=15,
        timeout=10,
        hints=(
            "Resuming needs three things: the weights, the optimizer's state (momentum buffers, Adam's moments "
            "and step count) and the epoch. Save all three in one dict.",
            "Save state_dicts, not the objects, so that weights_only=True can load the file; loading puts them "
            "back with model.load_state_dict(...) and optimizer.load_state_dict(...), in place.",
            "save: torch.save({...}, path)  # 'model', 'optimizer' and 'epoch': your line. load: checkpoint = "
            "torch.load(path, weights_only=True); ...  # restore both objects: your two lines; return "
            "checkpoint['epoch']",
        ),
    ),
    Exercise(
        id="resumable-training",
        title="Build a training run that resumes exactly and keeps its best weights",
        package=PACKAGE,
        starter="resumable_training.py",
        solution="solutions/resumable_training.py",
        check=f"{CHECKS}:check_resumable_training",
        forbids=(forbid.UNSAFE_LOAD,),
        level="build",
        minutes=40,
        timeout=20,
        hints=(
            "Write the run straight through first (loader, steps, validation, best), then the checkpoint: "
            "everything that changes from epoch to epoch must be in it, or the resumed run drifts.",
            "What changes: the weights, the optimizer's state, the epoch counter, the shuffle generator "
            "(generator.get_state / set_state), torch's global random state for dropout (torch.get_rng_state / "
            "set_rng_state) and the best so far. model.state_dict() shares its tensors with the model: keep the "
            "best as copy.deepcopy(model.state_dict()).",
            "generator = torch.Generator().manual_seed(seed); start, best = 0, {...}; if Path(path).exists(): "
            "...  # load the checkpoint and restore all of it: your lines; loader = DataLoader(..., "
            "generator=generator); for epoch in range(start, epochs): ...  # train(), the steps, eval() and the "
            "validation loss under no_grad, the best: your lines; torch.save({...}, path)  # epoch + 1 finished",
        ),
    ),
]
