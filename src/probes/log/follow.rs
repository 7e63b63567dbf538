//! Following log files by path: only new bytes are read (never the file again), from the end of
//! files that exist at start and from the start of files that appear later; a rename rotation
//! (a new inode at the path) drains the old file first, a copytruncate (a file shorter than what
//! was read) starts again at 0, and a file renamed within the glob keeps its place.

use regex::bytes::Regex;
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A line longer than this is judged on its first bytes; the rest is skipped, so a file without
/// newlines cannot grow memory.
pub(super) const MAX_LINE: usize = 64 * 1024;

/// Bytes read at most per file per poll, so a poll stays short; the rest waits for the next.
const MAX_READ_PER_POLL: u64 = 64 * 1024 * 1024;

/// Polls a dropped file (renamed away, deleted) is still drained, for lines written to it
/// before its writer reopened the path.
const ORPHAN_POLLS: u8 = 2;

/// Which files: one path, or a glob in its file name (`/var/log/app/*.log`).
#[derive(Debug, Clone)]
pub struct Paths {
    pub dir: PathBuf,
    /// `None`: the one file `dir`/`name`.
    pub glob: Option<regex::Regex>,
    pub name: String,
}

impl Paths {
    /// Reads `path`; `Err` says why a glob cannot be followed (one in a folder name).
    pub fn parse(path: &Path) -> Result<Paths, String> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| format!("`{}` names no file", path.display()))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if dir.to_string_lossy().contains(['*', '?', '[']) {
            return Err("a glob may only be in the file name (`/var/log/app/*.log`)".into());
        }
        let glob = if name.contains(['*', '?']) {
            let mut pattern = String::from("^");
            for c in name.chars() {
                match c {
                    '*' => pattern.push_str(".*"),
                    '?' => pattern.push('.'),
                    other => pattern.push_str(&regex::escape(&other.to_string())),
                }
            }
            pattern.push('$');
            Some(regex::Regex::new(&pattern).map_err(|e| e.to_string())?)
        } else {
            None
        };
        Ok(Paths { dir, glob, name })
    }

    /// The files there now, with their identity (device, inode).
    fn list(&self) -> Vec<(PathBuf, (u64, u64))> {
        let id = |p: &Path| {
            std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| (m.dev(), m.ino()))
        };
        match &self.glob {
            None => {
                let path = self.dir.join(&self.name);
                id(&path).map(|i| (path, i)).into_iter().collect()
            }
            Some(glob) => {
                let Ok(entries) = std::fs::read_dir(&self.dir) else {
                    return Vec::new();
                };
                let mut out: Vec<_> = entries
                    .flatten()
                    .filter(|e| glob.is_match(&e.file_name().to_string_lossy()))
                    .filter_map(|e| id(&e.path()).map(|i| (e.path(), i)))
                    .collect();
                out.sort();
                out
            }
        }
    }
}

/// What one poll found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub matches: u64,
    /// The last matching line, lossy UTF-8, at most [`MAX_LINE`] bytes.
    pub last: Option<String>,
    pub files: usize,
}

struct Followed {
    file: File,
    id: (u64, u64),
    offset: u64,
    /// The start of a line whose end has not been written yet.
    partial: Vec<u8>,
    /// The partial line outgrew [`MAX_LINE`]: skip to its end.
    skipping: bool,
    /// Polls since the file left the path (renamed away or deleted); `None` while it is there.
    orphaned: Option<u8>,
}

/// The files of one log probe and where each was read to.
pub struct Follower {
    paths: Paths,
    matcher: Regex,
    ignore: Option<Regex>,
    files: HashMap<PathBuf, Followed>,
    started: bool,
    /// What reads found and no poll has taken yet: a poll cut short by its timeout leaves its
    /// finds here for the next one, so no match is lost.
    pending: Found,
}

impl Follower {
    pub fn new(paths: Paths, matcher: Regex, ignore: Option<Regex>) -> Follower {
        Follower {
            paths,
            matcher,
            ignore,
            files: HashMap::new(),
            started: false,
            pending: Found::default(),
        }
    }

    /// Reads what was written since the last poll into [`take`](Self::take)'s keeping. `Err`
    /// when no file is there (and none was ever followed).
    pub fn poll(&mut self) -> Result<(), String> {
        let listed = self.paths.list();
        let first = !self.started;
        self.started = true;
        let mut found = std::mem::take(&mut self.pending);
        let mut old: Vec<(PathBuf, Followed)> = self.files.drain().collect();
        let mut current = Vec::new();
        for (path, id) in listed {
            // the same file under this path, or renamed here from another followed path
            let reused = old
                .iter()
                .position(|(_, f)| f.id == id)
                .map(|i| old.swap_remove(i).1);
            if let Some(followed) = reused.or_else(|| open(&path, id, first)) {
                current.push((path, followed));
            }
        }
        let mut next = HashMap::new();
        // files gone from their path first (their lines came before the new file's), drained a
        // little longer for their writer's last lines
        for (path, mut followed) in old {
            self.read(&mut followed, &mut found);
            let polls = followed.orphaned.map_or(0, |n| n + 1);
            if polls < ORPHAN_POLLS {
                followed.orphaned = Some(polls);
                let key = PathBuf::from(format!("{}\0orphan{}", path.display(), followed.id.1));
                next.insert(key, followed);
            }
        }
        for (path, mut followed) in current {
            followed.orphaned = None;
            self.read(&mut followed, &mut found);
            next.insert(path, followed);
        }
        self.files = next;
        found.files = self.files.values().filter(|f| f.orphaned.is_none()).count();
        self.pending = found;
        if self.files.is_empty() {
            return Err(match &self.paths.glob {
                None => format!(
                    "no file at {}",
                    self.paths.dir.join(&self.paths.name).display()
                ),
                Some(_) => format!(
                    "no file matches {}",
                    self.paths.dir.join(&self.paths.name).display()
                ),
            });
        }
        Ok(())
    }

    /// What the reads found since the last take.
    pub fn take(&mut self) -> Found {
        let files = self.pending.files;
        let found = std::mem::take(&mut self.pending);
        self.pending.files = files;
        found
    }

    fn read(&self, f: &mut Followed, found: &mut Found) {
        let len = f.file.metadata().map(|m| m.len()).unwrap_or(f.offset);
        if len < f.offset {
            // copytruncate: the file was emptied and is being written again from 0
            f.offset = 0;
            f.partial.clear();
            f.skipping = false;
        }
        if len == f.offset || f.file.seek(SeekFrom::Start(f.offset)).is_err() {
            return;
        }
        let mut budget = MAX_READ_PER_POLL;
        let mut buf = vec![0u8; 64 * 1024];
        while budget > 0 {
            let want = buf.len().min(usize::try_from(budget).unwrap_or(buf.len()));
            let n = match f.file.read(&mut buf[..want]) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            f.offset += n as u64;
            budget = budget.saturating_sub(n as u64);
            self.scan(f, &buf[..n], found);
        }
    }

    /// Splits `chunk` into lines (joining the partial one) and judges each complete line.
    fn scan(&self, f: &mut Followed, chunk: &[u8], found: &mut Found) {
        let mut rest = chunk;
        while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
            let (piece, after) = rest.split_at(nl);
            rest = &after[1..];
            if f.partial.is_empty() && !f.skipping {
                self.judge(piece, found);
            } else {
                if !f.skipping {
                    let room = MAX_LINE.saturating_sub(f.partial.len());
                    f.partial.extend_from_slice(&piece[..piece.len().min(room)]);
                }
                let line = std::mem::take(&mut f.partial);
                f.skipping = false;
                self.judge(&line, found);
            }
        }
        if !rest.is_empty() && !f.skipping {
            let room = MAX_LINE.saturating_sub(f.partial.len());
            f.partial.extend_from_slice(&rest[..rest.len().min(room)]);
            f.skipping = rest.len() > room;
        }
    }

    fn judge(&self, line: &[u8], found: &mut Found) {
        let line = &line[..line.len().min(MAX_LINE)];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !self.matcher.is_match(line) {
            return;
        }
        if self.ignore.as_ref().is_some_and(|i| i.is_match(line)) {
            return;
        }
        found.matches += 1;
        found.last = Some(String::from_utf8_lossy(line).into_owned());
    }
}

/// Opens a file to follow: at its end when it was there at start, else at its start.
fn open(path: &Path, id: (u64, u64), at_start_of_session: bool) -> Option<Followed> {
    let file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    // the path may have changed between listing and opening: trust the open file
    let id = if (meta.dev(), meta.ino()) == id {
        id
    } else {
        (meta.dev(), meta.ino())
    };
    Some(Followed {
        offset: if at_start_of_session { meta.len() } else { 0 },
        file,
        id,
        partial: Vec::new(),
        skipping: false,
        orphaned: None,
    })
}
