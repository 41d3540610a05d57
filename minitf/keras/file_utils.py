"""``keras.utils.get_file``: download a file once, keep it in Keras's cache, check its hash.

Keras 3 keeps downloads under ``~/.keras/<cache_subdir>`` (``$KERAS_HOME`` instead of
``~/.keras`` when that variable is set; ``/tmp/.keras`` when the home directory cannot be
written).  A file already in the cache with the right hash is not downloaded again, so a
file placed there by hand, or by real Keras, is used as is.

Where this module is stricter than Keras 3.15 (so that no broken file is ever left in the
cache):

- the download goes to a temporary file next to the target and is renamed into place only
  once it is complete and its hash matches; Keras writes the target directly and, on a
  hash mismatch, raises but leaves the bad file behind;
- an archive is extracted into a temporary directory that is renamed into place, and is
  not extracted again on later calls while the extracted directory exists;
- ``KERAS_HOME`` is read at call time (Keras reads it once, at import).
"""
import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile

_CHUNK = 1 << 16


def keras_home():
    """The cache root: ``$KERAS_HOME``, else ``~/.keras``, else ``/tmp/.keras`` (as Keras)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _writable_base(cache_dir):
    """``cache_dir`` if it can be created and written, else Keras's fallback ``/tmp/.keras``."""
    base = os.path.expanduser(cache_dir)
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        pass  # unwritable parent: fall through to the access check, as Keras does
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    return base


def _targets(fname, origin, datadir, extract):
    """Where the download goes and, with ``extract``, where its contents go (Keras 3's names).

    ``fname="data.tar.gz"`` downloads to ``data.tar.gz`` and extracts to ``data_extracted``;
    ``fname="data"`` (no dot, or no fname) downloads to ``data_archive`` and extracts to ``data``.
    """
    provided = fname
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. "
                             "Please specify the `fname` argument.")
    elif os.sep in fname:
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the "
                         "file's parent directory, use the `cache_dir` argument. "
                         f"Received: fname={fname}")
    if not extract:
        return os.path.join(datadir, fname), None
    if provided and "." in fname:
        stem = fname[:fname.find(".")]
        return os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Download ``origin`` into Keras's cache unless it is already there; return its path.

    The file lands in ``<cache_dir>/<cache_subdir>/<fname>``; ``cache_dir`` defaults to
    ``$KERAS_HOME`` or ``~/.keras``.  With ``file_hash`` (sha256 when it has 64 hex digits
    or ``hash_algorithm="sha256"``, md5 otherwise; ``md5_hash`` is the old spelling) a cached
    file whose hash differs is downloaded again, and a download whose hash differs raises
    ``ValueError`` and leaves nothing in the cache.  ``extract=True`` (or ``untar=True``)
    unpacks a tar or zip archive and returns the directory it was unpacked into, as Keras 3
    does.  A progress bar is printed to stdout while downloading.

    A file already in the cache needs no network:

    >>> import hashlib, os, tempfile
    >>> import minitf as tf
    >>> home = tempfile.mkdtemp()
    >>> os.makedirs(os.path.join(home, "datasets"))
    >>> with open(os.path.join(home, "datasets", "hello.txt"), "wb") as f:
    ...     _ = f.write(b"hi")
    >>> path = tf.keras.utils.get_file("hello.txt", origin="https://example.invalid/hello.txt",
    ...                                file_hash=hashlib.sha256(b"hi").hexdigest(),
    ...                                cache_dir=home)
    >>> os.path.relpath(path, home)
    'datasets/hello.txt'
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    datadir = os.path.join(_writable_base(keras_home() if cache_dir is None else cache_dir),
                           cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    if fname is not None:
        fname = os.fspath(fname)
    target, extract_dir = _targets(fname, origin, datadir, extract or untar)

    downloaded = False
    if force_download or _needs_download(target, file_hash, hash_algorithm):
        _download(origin, target, file_hash, hash_algorithm)
        downloaded = True
    if extract_dir is None:
        return target
    if downloaded or not os.path.isdir(extract_dir):
        if not _extract(target, extract_dir, "tar" if untar else archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
    return extract_dir


def _needs_download(target, file_hash, algorithm):
    """True when ``target`` is missing, or present with a hash other than ``file_hash``."""
    if not os.path.exists(target):
        return True
    if file_hash is not None and not validate_file(target, file_hash, algorithm):
        print(f"A local file was found, but it seems to be incomplete or outdated because the "
              f"{algorithm} file hash does not match the original value of {file_hash} so we "
              "will re-download the data.")
        return True
    return False


def _resolve_hasher(algorithm, file_hash=None):
    """Keras's rule: sha256 if asked for, or ``auto`` with a 64-digit hash; md5 otherwise."""
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None
                                 and len(file_hash) == 64):
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm="sha256", chunk_size=_CHUNK):
    """The hex digest of the file at ``fpath`` (``algorithm``: "sha256", "md5" or a hasher)."""
    hasher = _resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=_CHUNK):
    """Whether the file's hash equals ``file_hash`` (algorithm chosen as in ``get_file``)."""
    return hash_file(fpath, _resolve_hasher(algorithm, file_hash), chunk_size) == str(file_hash)


def _fetch_failure(origin, code, reason):
    # Keras 3 reports every network failure as a bare Exception with this text; same type here.
    return Exception(f"URL fetch failure on {origin}: {code} -- {reason}")


def _download(origin, target, file_hash, algorithm):
    """Stream ``origin`` into a temporary file beside ``target``; rename it there when whole.

    The temporary file is removed on any failure (network error, short read, wrong hash,
    Ctrl-C), so ``target`` is either the previous file or the complete new one.
    """
    print(f"Downloading data from {origin}")
    fd, part = tempfile.mkstemp(dir=os.path.dirname(target),
                                prefix=os.path.basename(target) + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            _stream(origin, out)
        if file_hash is not None and not validate_file(part, file_hash, algorithm):
            raise ValueError(f"Incomplete or corrupted file detected. The {algorithm} file hash "
                             f"does not match the provided value of {file_hash}.")
        os.replace(part, target)
    except BaseException:
        if os.path.exists(part):
            os.remove(part)
        raise


def _stream(origin, out):
    """Copy the body at ``origin`` into ``out`` with a progress bar; a short body is an error."""
    try:
        with urllib.request.urlopen(origin) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length is not None else None
            bar = _DownloadBar(total)
            bar.update(0)
            done = 0
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                out.write(chunk)
                done += len(chunk)
                bar.update(done)
            if total is not None and done < total:
                # urllib's own urlretrieve calls this ContentTooShortError (a URLError).
                raise _fetch_failure(origin, None, f"retrieval incomplete: got only {done} out "
                                                   f"of {total} bytes")
            bar.finish(done)
    except urllib.error.HTTPError as e:
        raise _fetch_failure(origin, e.code, e.msg) from e
    except urllib.error.URLError as e:
        raise _fetch_failure(origin, e.errno, e.reason) from e


class _DownloadBar:
    """Keras's download bar: ``1024/2048 ━━━━━━━━━━────────── 0s 1us/step`` redrawn with ``\\r``.

    Like Keras's ``Progbar`` it writes to stdout (also when stdout is not a terminal), at
    most every 0.05 s, and ends the line when the download completes.  Without a
    Content-Length it shows ``<bytes>/Unknown``.
    """

    width = 20
    interval = 0.05

    def __init__(self, total):
        self.total = total
        self.start = time.time()
        self.last = 0.0  # so that the empty bar is drawn at once, as Keras does
        self.prev_width = 0

    def update(self, current, final=False):
        now = time.time()
        if not final and now - self.last < self.interval:
            return
        self.last = now
        bar, visible = self._bar(current)
        elapsed = now - self.start
        per_step = elapsed / current if current else 0.0
        if self.total and not final:
            info = f" \x1b[1m{_format_eta(per_step * (self.total - current))}\x1b[0m"
        else:
            info = f" \x1b[1m{elapsed:.0f}s\x1b[0m"
        info += _format_step_time(per_step)
        width = visible + len(info) - 8
        pad = " " * max(self.prev_width - width, 0)
        sys.stdout.write("\b" * self.prev_width + "\r" + bar + info + pad + ("\n" if final else ""))
        sys.stdout.flush()
        self.prev_width = width

    def finish(self, current):
        self.update(self.total if self.total else current, final=True)

    def _bar(self, current):
        """The counter and bar (with Keras's colours) and its printed width."""
        if not self.total:
            text = "%7d/Unknown" % current
            return text, len(text)
        digits = len(str(self.total))
        count = f"%{digits}d/%d" % (current, self.total)
        filled = int(self.width * current / self.total)
        bar = f"\x1b[1m{count}\x1b[0m "
        if filled:
            bar += f"\x1b[32m{'━' * filled}\x1b[0m"
        bar += f"\x1b[37m{'━' * (self.width - filled)}\x1b[0m"
        return bar, len(count) + 1 + self.width


def _format_eta(seconds):
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def _format_step_time(seconds):
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/step"
    return f" {seconds * 1e6:.0f}us/step"


def _extract(archive, extract_dir, archive_format="auto"):
    """Unpack ``archive`` (tar or zip, as ``archive_format`` allows) into ``extract_dir``.

    Unpacks into a temporary sibling directory and renames it into place, so an interrupted
    extraction leaves no half-filled directory.  Members that would land outside the
    directory (``../``, absolute paths, links pointing out) are skipped with a warning.
    Returns False when the file is none of the allowed formats.
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for kind in formats:
        if kind not in ("tar", "zip"):
            raise NotImplementedError(kind)
        matches = tarfile.is_tarfile if kind == "tar" else zipfile.is_zipfile
        if matches(archive):
            _extract_atomically(archive, extract_dir, kind)
            return True
    return False


def _extract_atomically(archive, extract_dir, kind):
    parent = os.path.dirname(extract_dir)
    tmp = tempfile.mkdtemp(dir=parent, prefix=os.path.basename(extract_dir) + ".", suffix=".part")
    try:
        if kind == "tar":
            with tarfile.open(archive) as tar:
                _extract_tar(tar, tmp)
        else:
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(tmp, members=[m for m in zf.infolist() if _inside(tmp, m.filename)])
        if os.path.isdir(extract_dir):
            shutil.rmtree(extract_dir)
        elif os.path.exists(extract_dir):
            os.remove(extract_dir)
        os.replace(tmp, extract_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _inside(base, name):
    """Whether archive member ``name`` stays inside ``base`` once joined and resolved."""
    base = os.path.realpath(base)
    path = os.path.realpath(os.path.join(base, name))
    if os.path.commonpath([path, base]) == base:
        return True
    warnings.warn(f"Skipping invalid path during archive extraction: '{name}'.", stacklevel=3)
    return False


def _extract_tar(tar, dest):
    members = []
    for m in tar.getmembers():
        if not _inside(dest, m.name):
            continue
        if m.issym() and not _inside(dest, os.path.join(os.path.dirname(m.name), m.linkname)):
            continue
        if m.islnk() and not _inside(dest, m.linkname):
            continue
        members.append(m)
    if hasattr(tarfile, "data_filter"):
        tar.extractall(dest, members=members, filter="data")
    else:
        tar.extractall(dest, members=members)
