//! Persistence: all users in memory, optionally kept in a JSON data file (`--data-file`) so a
//! developer who enrolled a phone does not have to do it again. The user model itself is
//! [`crate::user`].
//!
//! Each user is kept with their second factor as the core's policy record
//! (`totpkit::policy::Record`, serde JSON): the secret, the last used step, the drift, the
//! failure counts, the hashed recovery codes, a pending enrollment. The file is rewritten whole
//! after every change of a record (enrollment, a used step, a used recovery code, a counted
//! failure, a reset). The new content goes to a temporary file in the
//! same folder, created exclusively under a random name (the `tempfile` crate: `O_EXCL`, so a
//! planted file or symlink is never opened, let alone followed), set to mode 0600 on the open
//! file, flushed to disk, renamed over the old file, and the folder is flushed too: a crash
//! leaves the old file or the new one, never half of one, and the file that holds the TOTP
//! secrets is readable by its owner only.
//!
//! A file that does not parse, or that names one email twice (compared without case: a second
//! record could otherwise replace an enrolled account with one that has 2FA off), stops the
//! server at start with its path and the reason; it is never touched; so does a record the
//! core's `Record::validate` refuses. Password and per-IP counters, sessions and remembered
//! devices are not kept in it.
//!
//! A write that fails is reported to the caller, which must not grant anything single-use it
//! could not record (the API answers 503; see `crate::api`).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use totpkit::policy::Record;

use crate::secrets::{self, RandomUnavailable};
use crate::user::{User, lock};

/// Version of the data file's format: 2 keeps the second factor as the core's record (version
/// 1 had the mock's own fields, which cannot be converted: start afresh).
const FILE_VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DataFile {
    version: u32,
    users: Vec<UserRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserRecord {
    email: String,
    password_salt: String,
    password_hash: String,
    second_factor: Record,
}

impl From<&User> for UserRecord {
    fn from(user: &User) -> Self {
        Self {
            email: user.email.clone(),
            password_salt: secrets::hex(&user.password_salt),
            password_hash: secrets::hex(&user.password_hash),
            second_factor: user.second_factor.clone(),
        }
    }
}

impl TryFrom<UserRecord> for User {
    type Error = String;

    fn try_from(record: UserRecord) -> Result<Self, String> {
        let email = record.email.to_lowercase();
        let bad = |field: &str| format!("user {email}: {field} is not valid");
        record
            .second_factor
            .validate()
            .map_err(|_| bad("secondFactor"))?;
        Ok(User::from_parts(
            &email,
            secrets::unhex(&record.password_salt).ok_or_else(|| bad("passwordSalt"))?,
            secrets::unhex(&record.password_hash).ok_or_else(|| bad("passwordHash"))?,
            record.second_factor,
        ))
    }
}

/// Why the store could not be opened or written.
#[derive(Debug)]
pub enum StoreError {
    /// The data file exists but could not be read.
    Read(PathBuf, io::Error),
    /// The data file is not what this server writes.
    Corrupt(PathBuf, String),
    /// The data file could not be written.
    Write(PathBuf, io::Error),
    /// The CSPRNG failed while seeding.
    Random,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(path, e) => write!(f, "cannot read data file {}: {e}", path.display()),
            Self::Corrupt(path, why) => write!(
                f,
                "data file {} is corrupt ({why}); it was left untouched: fix it, or move it away to start afresh",
                path.display()
            ),
            Self::Write(path, e) => write!(f, "cannot write data file {}: {e}", path.display()),
            Self::Random => f.write_str("the system random number generator failed"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<RandomUnavailable> for StoreError {
    fn from(_: RandomUnavailable) -> Self {
        Self::Random
    }
}

/// All users, and where they are kept.
pub struct Store {
    users: HashMap<String, Arc<Mutex<User>>>,
    data_file: Option<PathBuf>,
    /// Serializes writers; each takes its snapshot while holding it, so the last file written
    /// always holds the newest state.
    write_lock: tokio::sync::Mutex<()>,
}

impl Store {
    /// Loads the data file (if any) and adds the seeded accounts that are not in it yet. A new
    /// data file is written at once, so a bad path fails at start rather than at first use.
    pub fn open(data_file: Option<PathBuf>, seed: &[(&str, &str)]) -> Result<Self, StoreError> {
        let mut users = HashMap::new();
        let mut dirty = data_file.is_some();
        if let Some(path) = &data_file {
            match std::fs::read(path) {
                Ok(bytes) => {
                    dirty = false;
                    users = parse(path, &bytes)?;
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::Read(path.clone(), e)),
            }
        }
        for &(email, password) in seed {
            let email = email.to_lowercase();
            if !users.contains_key(&email) {
                users.insert(
                    email.clone(),
                    Arc::new(Mutex::new(User::new(&email, password)?)),
                );
                dirty = data_file.is_some();
            }
        }
        let store = Self {
            users,
            data_file,
            write_lock: tokio::sync::Mutex::new(()),
        };
        if dirty {
            store.write_now()?;
        }
        Ok(store)
    }

    /// The user with this (case-insensitive) email.
    pub fn user(&self, email: &str) -> Option<Arc<Mutex<User>>> {
        self.users.get(&normalize_email(email)).cloned()
    }

    /// Writes the data file, if there is one. Called after every change that must survive a
    /// restart, after the user's lock is released.
    pub async fn persist(&self) -> Result<(), StoreError> {
        let Some(path) = self.data_file.clone() else {
            return Ok(());
        };
        let _writer = self.write_lock.lock().await;
        let bytes = self.snapshot();
        tokio::task::spawn_blocking(move || {
            write_atomically(&path, &bytes).map_err(|e| StoreError::Write(path, e))
        })
        .await
        .map_err(|e| StoreError::Write(PathBuf::new(), io::Error::other(e.to_string())))?
    }

    fn write_now(&self) -> Result<(), StoreError> {
        let Some(path) = &self.data_file else {
            return Ok(());
        };
        write_atomically(path, &self.snapshot()).map_err(|e| StoreError::Write(path.clone(), e))
    }

    fn snapshot(&self) -> zeroize::Zeroizing<Vec<u8>> {
        let mut emails: Vec<&String> = self.users.keys().collect();
        emails.sort();
        let users = emails
            .into_iter()
            .filter_map(|email| self.users.get(email))
            .map(|user| UserRecord::from(&*lock(user)))
            .collect();
        let file = DataFile {
            version: FILE_VERSION,
            users,
        };
        // Serializing plain strings, numbers and the core's record (plain fields too) cannot
        // fail; an empty vector would only make the write fail loudly at the next start, never
        // silently.
        let mut bytes = serde_json::to_vec_pretty(&file).unwrap_or_default();
        bytes.push(b'\n');
        zeroize::Zeroizing::new(bytes)
    }
}

/// The one spelling of an email the store and the throttles key on: trimmed, lowercase.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn parse(path: &Path, bytes: &[u8]) -> Result<HashMap<String, Arc<Mutex<User>>>, StoreError> {
    let corrupt = |why: String| StoreError::Corrupt(path.to_path_buf(), why);
    // The version first, so an older format is named as such rather than by its first field.
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    let Version { version } = serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    if version != FILE_VERSION {
        return Err(corrupt(format!("version {version} is not {FILE_VERSION}")));
    }
    let file: DataFile = serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    let mut users = HashMap::new();
    for record in file.users {
        let user = User::try_from(record).map_err(corrupt)?;
        match users.entry(normalize_email(&user.email)) {
            Entry::Occupied(e) => {
                return Err(corrupt(format!(
                    "the email {} appears twice (emails are compared without case)",
                    e.key()
                )));
            }
            Entry::Vacant(e) => {
                e.insert(Arc::new(Mutex::new(user)));
            }
        }
    }
    Ok(users)
}

/// Writes `bytes` to `path` via an exclusively created, randomly named temporary file in the
/// same directory (mode 0600), an fsync, a rename, and an fsync of the directory.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("not a file path"))?;
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    // Dropping the temporary file on an error below removes it.
    let mut tmp = builder.tempfile_in(dir)?;
    #[cfg(unix)]
    {
        // The umask can only remove bits from the mode asked for at creation; set it on the
        // open file anyway, so what is renamed into place is 0600 whatever the process state.
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable; not every platform can open a directory, so best effort.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use totpkit::policy::{Policy, RANDOM_BYTES, Refusal};

    #[test]
    fn file_round_trip_keeps_everything_that_matters() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.json");
        let store = Store::open(Some(path.clone()), &[("Alice@Example.com", "pw")]).unwrap();
        let (policy, now) = (Policy::default(), 1_700_000_025_000);
        let random: Vec<u8> = (0..RANDOM_BYTES).map(|i| (i * 7 + 3) as u8).collect();
        let (record, codes) = {
            let user = store.user("alice@example.com").unwrap();
            let mut user = lock(&user);
            let begun = user
                .second_factor
                .begin_enrollment(&policy, "demo", "alice@example.com", now, &random)
                .unwrap();
            let secret = begun.decision.as_ref().unwrap().secret.as_bytes().to_vec();
            // The code from an independent implementation, never from totpkit.
            let code = totp_lite::totp_custom::<totp_lite::Sha1>(30, 6, &secret, now / 1_000);
            let confirmed = begun
                .record
                .confirm_enrollment(&policy, &code, "ip:127.0.0.1", now, &random)
                .unwrap();
            let codes = confirmed.decision.unwrap().recovery_codes;
            let used = confirmed
                .record
                .use_recovery_code(&policy, &codes[0], "ip:127.0.0.1", now)
                .unwrap();
            user.second_factor = used.record;
            (user.second_factor.clone(), codes)
        };
        store.write_now().unwrap();
        let again = Store::open(Some(path.clone()), &[("alice@example.com", "other")]).unwrap();
        let user = again.user("ALICE@example.com").unwrap();
        let user = lock(&user);
        assert!(user.check_password("pw"));
        assert_eq!(user.second_factor, record, "the whole record came back");
        let reuse = user
            .second_factor
            .use_recovery_code(&policy, &codes[0], "ip:127.0.0.1", now)
            .unwrap();
        assert_eq!(reuse.decision, Err(Refusal::Replayed));
        let next = user
            .second_factor
            .use_recovery_code(&policy, &codes[1], "ip:127.0.0.1", now)
            .unwrap();
        assert_eq!(next.decision, Ok(8));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn corrupt_file_is_an_error_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.json");
        let store = Store::open(Some(path.clone()), &[("alice@example.com", "pw")]).unwrap();
        drop(store);
        let good = std::fs::read_to_string(&path).unwrap();
        let record = good
            .split_once("\"users\": [")
            .unwrap()
            .1
            .rsplit_once(']')
            .unwrap()
            .0
            .trim()
            .to_owned();
        let twice = format!(
            r#"{{"version":2,"users":[{record},{}]}}"#,
            record.replace("alice@example.com", "ALICE@EXAMPLE.COM")
        );
        let foreign = format!(
            r#"{{"version":2,"users":[{}]}}"#,
            record.replace(r#""v": 2"#, r#""v": 9"#)
        );
        assert_ne!(foreign, format!(r#"{{"version":2,"users":[{record}]}}"#));
        for text in [
            "{not json",
            "",
            r#"{"version":1,"users":[]}"#,
            r#"{"version":3,"users":[]}"#,
            r#"{"version":2,"users":[{"email":"x"}]}"#,
            twice.as_str(),
            foreign.as_str(),
        ] {
            std::fs::write(&path, text).unwrap();
            let err = Store::open(Some(path.clone()), &[("a@example.com", "pw")])
                .err()
                .expect(text);
            assert!(matches!(err, StoreError::Corrupt(..)), "{text}: {err}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        }
    }
}
