//! One `serve` per database: `serve` holds an exclusive advisory lock on a file beside the
//! database (`v6watch.db.lock`) for as long as it runs, with its process id inside. A
//! second `serve` on the same database stops at start, naming the database and the process
//! that holds it. The lock goes with the process, however it ends. `check` takes none.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Held while it lives.
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
    path: PathBuf,
}

impl DatabaseLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The lock file of `database`: its name with `.lock` added.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the lock of `database`, or says who holds it.
pub fn lock(database: &Path) -> anyhow::Result<DatabaseLock> {
    let path = lock_path(database);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("opening the lock file {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = match holder.trim().parse::<u32>() {
                Ok(pid) => format!("v6watch process {pid}"),
                Err(_) => "another v6watch process".to_string(),
            };
            anyhow::bail!(
                "the database {} is already in use by {holder} (lock file {}): \
                 only one v6watch serve may run on a database; stop that one or give this \
                 one another --database",
                database.display(),
                path.display()
            );
        }
        Err(TryLockError::Error(err)) => {
            anyhow::bail!("locking {}: {err}", path.display());
        }
    }
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    writeln!(file, "{}", std::process::id())?;
    file.flush()?;
    Ok(DatabaseLock { _file: file, path })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_database_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("data").join("v6watch.db");
        let first = lock(&database).unwrap();
        assert_eq!(
            first.path(),
            dir.path().join("data").join("v6watch.db.lock")
        );
        let err = lock(&database).unwrap_err().to_string();
        assert!(err.contains(&database.display().to_string()), "{err}");
        assert!(
            err.contains(&format!("process {}", std::process::id())),
            "{err}"
        );
        drop(first);
        lock(&database).unwrap();
    }
}
