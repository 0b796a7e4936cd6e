//! Reading files of the scanned tree safely: only regular files are opened.
//!
//! A FIFO blocks `open(2)` until a writer appears, and a character device can stream forever, so
//! a repository with a FIFO named `.gitignore` (or any file the scan reads) would hang the audit.
//! Every read of the scan goes through [`read_regular`]: the path is opened without blocking
//! (`O_NONBLOCK` on Unix) and checked to be a regular file on the open descriptor before a byte is
//! read.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Why a path was not read: it exists but is not a regular file.
pub fn not_regular(kind: &str) -> io::Error {
    io::Error::other(format!("not a regular file ({kind}): not opened"))
}

/// What kind of non-regular file this is, for messages.
fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else {
        "special"
    }
}

/// Opens `path` for reading if (and only if) it is a regular file, following symbolic links.
/// Never blocks on a FIFO.
pub fn open_regular(path: &Path) -> io::Result<File> {
    // A cheap first look: most non-regular files are refused before any open.
    let md = std::fs::metadata(path)?;
    if !md.is_file() {
        return Err(not_regular(kind_of(&md.file_type())));
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The file may have been replaced by a FIFO since: a non-blocking open returns at once.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path)?;
    let md = file.metadata()?;
    if !md.is_file() {
        return Err(not_regular(kind_of(&md.file_type())));
    }
    Ok(file)
}

/// Reads at most `limit` bytes of a regular file into `buf` (cleared first).
pub fn read_regular_into(path: &Path, limit: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.clear();
    open_regular(path)?.take(limit).read_to_end(buf)?;
    Ok(())
}

/// Reads a regular file whole, up to `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    read_regular_into(path, limit, &mut buf)?;
    Ok(buf)
}
