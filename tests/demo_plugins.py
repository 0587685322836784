"""Small lesson plugins for the core tests, registered on a fresh LessonRegistry."""

from __future__ import annotations

from pathlib import Path

from nnlessons import LessonInfo, LessonInputError, Option, hookimpl


class CountingLesson:
    """# Counting

    Adds numbers. A test lesson whose metrics depend on seed and options.
    """

    @hookimpl
    def nnlessons_lesson_info(self) -> LessonInfo:
        return LessonInfo(
            id="counting",
            title="Counting",
            summary="Sums random numbers.",
            concepts=("seeds",),
            cpu_seconds=1,
            options=(
                Option("steps", int, 5, "How many numbers.", min=1, max=100, quick=2),
                Option("scale", float, 1.0, "Multiplier.", min=0.0, max=10.0),
                Option("mode", str, "sum", "How to combine.", choices=("sum", "mean")),
                Option("plot", bool, True, "Save a plot."),
                Option("label", Path, Path("x.csv"), "A path option.", envvar="COUNTING_LABEL"),
                Option("csv", Path, None, "An optional file; not given by default."),
            ),
        )

    @hookimpl
    def nnlessons_run(self, ctx):
        import torch
        from matplotlib.figure import Figure

        values = torch.rand(ctx.params.steps, generator=ctx.generator(), device="cpu").to(ctx.device)
        values = values * ctx.params.scale
        total = values.sum() if ctx.params.mode == "sum" else values.mean()
        ctx.table("values", ["i", "value"], [(i, float(v)) for i, v in enumerate(values)])
        if ctx.params.plot:
            fig = Figure()
            fig.add_subplot().plot(values.cpu().numpy())
            ctx.save_figure(fig, "values.png")
        with ctx.progress(ctx.params.steps, "steps") as bar:
            for _ in range(ctx.params.steps):
                bar.advance(loss=float(total))
        return {"total": float(total), "steps": ctx.params.steps, "quick": ctx.quick, "label": str(ctx.params.label),
                "undefined": float("nan"), "per_step": {"first": values[0]}}


class FailingLesson:
    """A lesson with a bug in it."""

    @hookimpl
    def nnlessons_lesson_info(self) -> LessonInfo:
        return LessonInfo(id="failing", title="Failing", summary="Raises.")

    @hookimpl
    def nnlessons_run(self, ctx):
        raise ZeroDivisionError("division by zero in step 3")


class BadInputLesson:
    """A lesson that rejects its input."""

    @hookimpl
    def nnlessons_lesson_info(self) -> LessonInfo:
        return LessonInfo(id="bad-input", title="Bad input", summary="Rejects its CSV.")

    @hookimpl
    def nnlessons_run(self, ctx):
        raise LessonInputError("The CSV is missing the column 'actual'; give a file with year, month, day, actual.")


class NoRunHook:
    """Only describes itself."""

    @hookimpl
    def nnlessons_lesson_info(self) -> LessonInfo:
        return LessonInfo(id="no-run", title="No run", summary="Has no run hook.")


class WrongIdLesson:
    @hookimpl
    def nnlessons_lesson_info(self) -> LessonInfo:
        return LessonInfo(id="something-else", title="Wrong id", summary="Id differs from entry point.")

    @hookimpl
    def nnlessons_run(self, ctx):
        return {}


class TypoHook:
    @hookimpl
    def nnlessons_lesson_info(self) -> LessonInfo:
        return LessonInfo(id="typo", title="Typo", summary="Misspelt hook.")

    @hookimpl
    def nnlessons_runn(self, ctx):
        return {}


class ExplainingLesson(CountingLesson):
    @hookimpl
    def nnlessons_explain(self) -> str:
        return "# Explained\n\nText from the explain hook."

    @hookimpl
    def nnlessons_lesson_info(self) -> LessonInfo:
        return LessonInfo(id="explaining", title="Explaining", summary="Has an explain hook.")
