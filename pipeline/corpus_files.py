"""The corpus folder is the only place a source is read from.

`list_documents` walks the corpus without following links to folders (so a link loop cannot
trap it) and returns every name that looks like a document: regular files, and also links,
folders and other things with a document's extension, so that each gets a clear problem
instead of being skipped without a word. `read_document` reads one of them, or says why not:
a name that leaves the corpus (``../``, an absolute path, a link pointing out of it), a link
loop, a folder, a device or pipe, a file the operating system will not read. Whatever the
reason, it is a `Problem` for that document; nothing outside the corpus is opened.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath, PureWindowsPath

from pipeline.model import Problem


def list_documents(corpus: Path, suffixes: Iterable[str], skip_names: Iterable[str] = ()) -> list[str]:
    """Names (relative, with `/`) of the things under `corpus` whose extension is one of
    `suffixes`, in name order. Links are listed but never followed into folders; hidden names
    and `skip_names` are left out."""
    wanted = {s.lower() for s in suffixes}
    skip = set(skip_names)
    found: list[str] = []

    def walk(folder: Path, rel: str) -> None:
        try:
            children = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            if rel:  # a sub-folder that cannot be listed: named, so its problem is reported
                found.append(rel)
            return
        for child in children:
            if child.name.startswith(".") or child.name in skip:
                continue
            name = f"{rel}/{child.name}" if rel else child.name
            try:
                is_dir = child.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if Path(child.name).suffix.lower() in wanted:
                found.append(name)
                if is_dir:
                    walk(Path(child.path), name)
            elif is_dir:
                walk(Path(child.path), name)
            elif child.is_symlink() and _points_to_folder(Path(child.path)):
                found.append(name)  # a linked folder is not followed: say so

    walk(corpus, "")
    return sorted(found, key=lambda name: PurePosixPath(name).parts)  # the order of sorted Paths, as before


def _points_to_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def outside_reason(name: str) -> str | None:
    """Why a manifest name is not a name inside the corpus, or None when it is one."""
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
        return "is an absolute path"
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return "climbs out of the corpus with `..`"
    return None


def read_document(corpus: Path, name: str) -> bytes | Problem:
    """The bytes of corpus/`name`, or the problem that stops it being read (nothing outside the
    corpus is opened)."""
    reason = outside_reason(name)
    if reason:
        return Problem(
            name,
            "outside_corpus",
            f"{name}: the manifest entry {reason}; only files inside the corpus folder {corpus} are read. "
            "Copy the file into the corpus and name it relative to the corpus folder.",
        )
    root = corpus.resolve()
    path = corpus / name
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        link = _link_target(path)
        detail = f" (a link to {link}, which does not exist)" if link else ""
        return Problem(
            name,
            "missing",
            f"{name}: listed in the manifest but not found in {corpus}{detail}. "
            "Copy the file into the corpus or remove its manifest entry.",
        )
    except RuntimeError:  # Python 3.11 reports a link loop this way
        return _loop(name)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return _loop(name)
        return _unreadable(name, exc)
    if real != root and root not in real.parents:
        return Problem(
            name,
            "outside_corpus",
            f"{name}: a link to {real}, outside the corpus folder {root}; only files inside the corpus are "
            "read, and this one was not. Copy the file into the corpus instead of linking to it.",
        )
    try:
        st = real.stat()
    except OSError as exc:
        return _unreadable(name, exc)
    if stat.S_ISDIR(st.st_mode):
        linked = " (a link to a folder, which is not followed)" if path.is_symlink() else ""
        listable = os.access(real, os.R_OK | os.X_OK)
        return Problem(
            name,
            "not_a_file",
            f"{name}: is a folder{linked}, not a document file"
            + ("" if listable else ", and its contents cannot be listed (permission denied)")
            + ". Rename the folder or move the documents in it into the corpus.",
        )
    if not stat.S_ISREG(st.st_mode):
        return Problem(
            name,
            "not_a_file",
            f"{name}: is not a regular file (a device, pipe or socket) and is not read. "
            "Replace it with the document file.",
        )
    try:
        with real.open("rb") as fh:
            return fh.read()
    except OSError as exc:
        return _unreadable(name, exc)


def _link_target(path: Path) -> str | None:
    try:
        return os.readlink(path) if path.is_symlink() else None
    except OSError:
        return None


def _loop(name: str) -> Problem:
    return Problem(
        name,
        "link_loop",
        f"{name}: a symbolic link that leads back to itself (a link loop), so there is no file to read. "
        "Replace the link with the document file.",
    )


def _unreadable(name: str, exc: OSError) -> Problem:
    what = exc.strerror or type(exc).__name__
    hint = (
        "Give the build read access to it (for example `chmod a+r`)."
        if isinstance(exc, PermissionError)
        else "Check the disk and the file, then build again."
    )
    return Problem(name, "unreadable", f"{name}: the file cannot be read ({what}). {hint}")
