//! Users, their authenticators and recovery codes, in memory, optionally kept in a JSON data
//! file (`--data-file`) so a developer who enrolled a phone does not have to do it again.
//!
//! Each user sits behind their own mutex. Verification holds it from reading the last used
//! step to storing the new one, which is what makes two simultaneous submissions of one code
//! succeed exactly once (RFC 6238 §5.2: a verifier must not accept the same OTP twice).
//!
//! The file is rewritten whole after every change that must survive a restart (enrollment, a
//! used step, a used recovery code, a reset): written to a temporary file beside it, flushed,
//! then renamed over the old one, so a crash leaves the old file or the new one, never half of
//! one. A file that does not parse stops the server at start with its path and the parser's
//! complaint: it is never silently replaced. The file holds TOTP secrets, so it is created
//! readable by its owner only. Rate-limit counters and sessions are not kept in it.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use totpkit::{Algorithm, OtpParams, Secret, Totp};

use crate::policy::Throttle;
use crate::secrets::{self, RandomUnavailable};

/// Version of the data file's format.
const FILE_VERSION: u32 = 1;

/// Locks a mutex, carrying on if a previous holder panicked: every update here is a plain
/// assignment, so no invariant can be half-broken.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An active authenticator.
pub struct Enrolled {
    secret: Secret,
    /// The keyed generator for `secret`.
    pub totp: Totp,
    /// The step of the last accepted code; no step at or before it is accepted again.
    pub last_used_step: Option<u64>,
}

/// A secret handed out by enrollment and not yet confirmed.
pub struct Pending {
    secret: Secret,
    /// The keyed generator for the pending secret.
    pub totp: Totp,
    /// Unix ms after which it can no longer be confirmed.
    pub expires_ms: u64,
}

impl Pending {
    /// A pending enrollment of `secret`, confirmable until `expires_ms`.
    pub fn new(secret: Secret, params: OtpParams, expires_ms: u64) -> totpkit::Result<Self> {
        Ok(Self {
            totp: Totp::new(&secret, params)?,
            secret,
            expires_ms,
        })
    }

    /// Activates the pending secret; the confirming code's step counts as used.
    pub fn activate(self, used_step: u64) -> Enrolled {
        Enrolled {
            secret: self.secret,
            totp: self.totp,
            last_used_step: Some(used_step),
        }
    }
}

/// One account.
pub struct User {
    /// The sign-in name, lowercase.
    pub email: String,
    password_salt: [u8; 16],
    password_hash: [u8; 32],
    /// The active authenticator, if 2FA is set up.
    pub totp: Option<Enrolled>,
    /// An enrollment in progress.
    pub pending: Option<Pending>,
    recovery_salt: [u8; 16],
    recovery_hashes: Vec<[u8; 32]>,
    /// Consecutive wrong passwords.
    pub password_throttle: Throttle,
    /// Consecutive wrong second factors (TOTP or recovery codes).
    pub otp_throttle: Throttle,
    /// Bumped when 2FA is reset, which ends every session begun before.
    pub epoch: u64,
}

impl User {
    /// A new account without 2FA.
    pub fn new(email: &str, password: &str) -> Result<Self, RandomUnavailable> {
        let salt = *secrets::random_bytes::<16>()?;
        Ok(Self {
            email: email.to_lowercase(),
            password_salt: salt,
            password_hash: secrets::password_hash(&salt, password),
            totp: None,
            pending: None,
            recovery_salt: *secrets::random_bytes::<16>()?,
            recovery_hashes: Vec::new(),
            password_throttle: Throttle::default(),
            otp_throttle: Throttle::default(),
            epoch: 0,
        })
    }

    /// Whether `password` is this user's, compared in constant time.
    pub fn check_password(&self, password: &str) -> bool {
        secrets::digest_eq(
            &secrets::password_hash(&self.password_salt, password),
            &self.password_hash,
        )
    }

    /// Replaces the recovery codes with new ones and returns them (the only time they exist
    /// in clear).
    pub fn new_recovery_codes(&mut self) -> Result<Vec<String>, RandomUnavailable> {
        let codes = secrets::new_recovery_codes()?;
        self.recovery_salt = *secrets::random_bytes::<16>()?;
        self.recovery_hashes = codes
            .iter()
            .filter_map(|code| secrets::normalize_recovery_code(code))
            .map(|normalized| secrets::recovery_hash(&self.recovery_salt, &normalized))
            .collect();
        Ok(codes)
    }

    /// Uses up a recovery code: `true` if `typed` was one (it is then gone).
    pub fn use_recovery_code(&mut self, typed: &str) -> bool {
        let Some(normalized) = secrets::normalize_recovery_code(typed) else {
            return false;
        };
        let hash = secrets::recovery_hash(&self.recovery_salt, &normalized);
        // Compare against every stored code, so the time taken does not tell which one matched.
        let mut found = None;
        for (i, stored) in self.recovery_hashes.iter().enumerate() {
            if secrets::digest_eq(stored, &hash) && found.is_none() {
                found = Some(i);
            }
        }
        match found {
            Some(i) => {
                self.recovery_hashes.remove(i);
                true
            }
            None => false,
        }
    }

    /// Recovery codes not used yet.
    pub fn recovery_codes_left(&self) -> usize {
        self.recovery_hashes.len()
    }

    /// Removes the authenticator and its recovery codes, and ends all earlier sessions.
    pub fn reset_two_factor(&mut self) {
        self.totp = None;
        self.pending = None;
        self.recovery_hashes.clear();
        self.otp_throttle.succeed();
        self.epoch = self.epoch.saturating_add(1);
    }

    fn to_record(&self) -> UserRecord {
        UserRecord {
            email: self.email.clone(),
            password_salt: secrets::hex(&self.password_salt),
            password_hash: secrets::hex(&self.password_hash),
            totp: self.totp.as_ref().map(|e| {
                let params = e.totp.params();
                TotpRecord {
                    secret: e.secret.to_base32().to_string(),
                    algorithm: params.algorithm().name().into(),
                    digits: params.digits(),
                    period: params.period(),
                    last_used_step: e.last_used_step,
                }
            }),
            recovery_salt: secrets::hex(&self.recovery_salt),
            recovery_codes: self
                .recovery_hashes
                .iter()
                .map(|h| secrets::hex(h))
                .collect(),
        }
    }

    fn from_record(record: UserRecord) -> Result<Self, String> {
        let email = record.email.to_lowercase();
        let bad = |field: &str| format!("user {email}: {field} is not valid");
        let totp = match record.totp {
            None => None,
            Some(t) => {
                let algorithm =
                    Algorithm::parse(&t.algorithm).map_err(|_| bad("totp.algorithm"))?;
                let params = OtpParams::new(algorithm, t.digits, t.period)
                    .map_err(|_| bad("totp digits or period"))?;
                let secret = Secret::from_base32(&t.secret).map_err(|_| bad("totp.secret"))?;
                let totp = Totp::new(&secret, params).map_err(|_| bad("totp"))?;
                Some(Enrolled {
                    secret,
                    totp,
                    last_used_step: t.last_used_step,
                })
            }
        };
        let recovery_hashes = record
            .recovery_codes
            .iter()
            .map(|h| secrets::unhex::<32>(h).ok_or_else(|| bad("recoveryCodes")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            password_salt: secrets::unhex(&record.password_salt)
                .ok_or_else(|| bad("passwordSalt"))?,
            password_hash: secrets::unhex(&record.password_hash)
                .ok_or_else(|| bad("passwordHash"))?,
            recovery_salt: secrets::unhex(&record.recovery_salt)
                .ok_or_else(|| bad("recoverySalt"))?,
            email,
            totp,
            pending: None,
            recovery_hashes,
            password_throttle: Throttle::default(),
            otp_throttle: Throttle::default(),
            epoch: 0,
        })
    }
}

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
    totp: Option<TotpRecord>,
    recovery_salt: String,
    recovery_codes: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TotpRecord {
    secret: String,
    algorithm: String,
    digits: u32,
    period: u32,
    last_used_step: Option<u64>,
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
                    for user in parse(path, &bytes)? {
                        users.insert(user.email.clone(), Arc::new(Mutex::new(user)));
                    }
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
        self.users.get(&email.trim().to_lowercase()).cloned()
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
            .map(|user| lock(user).to_record())
            .collect();
        let file = DataFile {
            version: FILE_VERSION,
            users,
        };
        // Serializing plain strings and numbers cannot fail; an empty vector would only make
        // the write fail loudly at the next start, never silently.
        let mut bytes = serde_json::to_vec_pretty(&file).unwrap_or_default();
        bytes.push(b'\n');
        zeroize::Zeroizing::new(bytes)
    }
}

fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<User>, StoreError> {
    let corrupt = |why: String| StoreError::Corrupt(path.to_path_buf(), why);
    let file: DataFile = serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    if file.version != FILE_VERSION {
        return Err(corrupt(format!(
            "version {} is not {FILE_VERSION}",
            file.version
        )));
    }
    file.users
        .into_iter()
        .map(|record| User::from_record(record).map_err(corrupt))
        .collect()
}

/// Writes `bytes` to `path` via a temporary file in the same directory and a rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut name = path
        .file_name()
        .ok_or_else(|| io::Error::other("not a file path"))?
        .to_os_string();
    name.push(format!(".tmp{}", std::process::id()));
    let tmp = dir.join(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable; not every platform can open a directory, so best effort.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn recovery_code_works_once() {
        let mut user = User::new("a@example.com", "pw").unwrap();
        let codes = user.new_recovery_codes().unwrap();
        assert_eq!(user.recovery_codes_left(), 10);
        let code = codes.first().unwrap();
        assert!(user.use_recovery_code(&code.to_uppercase()));
        assert!(!user.use_recovery_code(code));
        assert_eq!(user.recovery_codes_left(), 9);
        assert!(!user.use_recovery_code("nope"));
    }

    #[test]
    fn file_round_trip_keeps_everything_that_matters() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.json");
        let store = Store::open(Some(path.clone()), &[("Alice@Example.com", "pw")]).unwrap();
        let codes = {
            let user = store.user("alice@example.com").unwrap();
            let mut user = lock(&user);
            let secret = Secret::generate(20).unwrap();
            user.totp = Some(
                Pending::new(secret, OtpParams::default(), 0)
                    .unwrap()
                    .activate(42),
            );
            user.new_recovery_codes().unwrap()
        };
        store.write_now().unwrap();
        let again = Store::open(Some(path.clone()), &[("alice@example.com", "other")]).unwrap();
        let user = again.user("ALICE@example.com").unwrap();
        let mut user = lock(&user);
        assert!(user.check_password("pw"));
        assert_eq!(user.totp.as_ref().and_then(|t| t.last_used_step), Some(42));
        assert!(user.use_recovery_code(codes.last().unwrap()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn corrupt_file_is_an_error_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.json");
        for text in [
            "{not json",
            "",
            r#"{"version":2,"users":[]}"#,
            r#"{"version":1,"users":[{"email":"x"}]}"#,
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
