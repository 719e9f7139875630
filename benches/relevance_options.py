"""The options relevance.py and relevance_compare.py share: `--heldout` and `--shared DIR`."""
from pathlib import Path


def parse(args):
    """A benchmark's arguments without the shared options; the shared folder (../shared beside
    the project unless `--shared DIR`); and whether `--heldout` was given."""
    heldout = "--heldout" in args
    args = [a for a in args if a != "--heldout"]
    shared = Path(__file__).resolve().parent.parent.parent / "shared"
    if "--shared" in args:
        at = args.index("--shared")
        shared = Path(args[at + 1])
        del args[at:at + 2]
    return args, shared, heldout
