#!/usr/bin/env python3
"""Write the tree of COMMIT from the bare git directory GITDIR into DEST.

Unlike `git archive`, this tolerates blobs missing from a partial snapshot (large files and
Git LFS content are often left out of mirrors): each missing blob is skipped and counted.
Symlinks are written as symlinks; submodules (gitlinks) are skipped.
Usage: extract.py GITDIR COMMIT DEST
"""
import os
import subprocess
import sys


def main() -> int:
    gitdir, commit, dest = sys.argv[1:4]
    tree = subprocess.run(
        ["git", "--git-dir", gitdir, "ls-tree", "-r", "-z", "--full-tree", commit],
        check=True, capture_output=True,
    ).stdout
    entries = []
    for rec in tree.split(b"\0"):
        if not rec:
            continue
        meta, path = rec.split(b"\t", 1)
        mode, kind, sha = meta.split(b" ")
        if kind != b"blob":
            continue
        entries.append((mode, sha, path))
    cat = subprocess.Popen(
        ["git", "--git-dir", gitdir, "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    missing = 0
    for mode, sha, path in entries:
        cat.stdin.write(sha + b"\n")
        cat.stdin.flush()
        header = cat.stdout.readline()
        if header.endswith(b" missing\n"):
            missing += 1
            continue
        size = int(header.split()[2])
        data = cat.stdout.read(size)
        cat.stdout.read(1)  # trailing newline
        target = os.path.join(dest.encode(), path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if mode == b"120000":
            try:
                os.symlink(data, target)
            except FileExistsError:
                pass
            continue
        with open(target, "wb") as out:
            out.write(data)
        if mode == b"100755":
            os.chmod(target, 0o755)
    cat.stdin.close()
    cat.wait()
    if missing:
        print(f"  note: {missing} blob(s) absent from the snapshot were skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
