//! A [`Record`] in bytes: the same record as its JSON, in about half the bytes and a fraction of
//! the time to write. For stores that seal records and write one on every sign-in (the server
//! kit's envelope, server/src/envelope.rs): every byte saved is a byte less to encrypt, encode
//! and send, on the path of every verification.
//!
//! ```text
//! RECORD_VERSION (one byte; a JSON record begins with `{`) ++ postcard(PackedRecord)
//! ```
//!
//! [postcard](https://docs.rs/postcard)'s format is specified (varints, length-prefixed
//! sequences, `Option` as a 0/1 byte) and its reader refuses truncated or trailing input without
//! panicking. What JSON holds as text is held as bytes here: the secret (not base32), the
//! recovery codes' salt and hashes, each source's id (not hex). Read back, a packed record is
//! checked like a JSON one ([`Record::validate`]).

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{
    Authenticator, Pending, RECORD_VERSION, Record, RecoveryCodes, Resync, SourceCount,
    StoredSecret, hex, unhex,
};
use crate::error::{Error, Result};
use crate::recovery::{HASH_BYTES, SALT_BYTES};
use crate::secret::Secret;

/// The first byte of a packed record: the version of the record it holds.
const TAG: u8 = RECORD_VERSION as u8;
const _: () = assert!(
    RECORD_VERSION < 0x7b,
    "a version byte must never read as JSON's opening brace"
);

/// Bytes of a source id (hex in the record).
const SOURCE_ID_BYTES: usize = 8;

#[derive(Serialize, Deserialize)]
struct PackedRecord {
    active: Option<PackedAuthenticator>,
    pending: Option<PackedPending>,
    failures: u32,
    last_failure_at: u64,
    sources: Vec<PackedSource>,
    recovery: Option<PackedRecovery>,
}

#[derive(Serialize, Deserialize)]
struct PackedAuthenticator {
    secret: Zeroizing<Vec<u8>>,
    algorithm: String,
    digits: u32,
    period: u32,
    last_step: Option<u64>,
    drift: i64,
    /// offset, step, expires_at.
    resync: Option<(i64, u64, u64)>,
}

#[derive(Serialize, Deserialize)]
struct PackedPending {
    authenticator: PackedAuthenticator,
    issuer: String,
    account: String,
    expires_at: u64,
}

#[derive(Serialize, Deserialize)]
struct PackedSource {
    id: [u8; SOURCE_ID_BYTES],
    failures: u32,
    last_failure_at: u64,
}

#[derive(Serialize, Deserialize)]
struct PackedRecovery {
    salt: [u8; SALT_BYTES],
    hashes: Vec<[u8; HASH_BYTES]>,
    used: u32,
}

impl Record {
    /// The record packed (see the module docs), in a buffer wiped on drop: it holds the secret.
    /// [`Error::InvalidRecord`] only if the record holds what no valid record does, which a
    /// `Record` in hand never does.
    pub fn to_packed(&self) -> Result<Zeroizing<Vec<u8>>> {
        let packed = PackedRecord {
            active: self.active.as_ref().map(pack_authenticator).transpose()?,
            pending: self
                .pending
                .as_ref()
                .map(|p| {
                    Ok::<_, Error>(PackedPending {
                        authenticator: pack_authenticator(&p.authenticator)?,
                        issuer: p.issuer.clone(),
                        account: p.account.clone(),
                        expires_at: p.expires_at,
                    })
                })
                .transpose()?,
            failures: self.failures,
            last_failure_at: self.last_failure_at,
            sources: self
                .sources
                .iter()
                .map(|s| {
                    Ok(PackedSource {
                        id: unhex(&s.id)?,
                        failures: s.failures,
                        last_failure_at: s.last_failure_at,
                    })
                })
                .collect::<Result<_>>()?,
            recovery: self
                .recovery
                .as_ref()
                .map(|r| {
                    Ok::<_, Error>(PackedRecovery {
                        salt: unhex(&r.salt)?,
                        hashes: r.list()?,
                        used: r.used,
                    })
                })
                .transpose()?,
        };
        // Sized first, then written into a buffer of exactly that size: a buffer that grew would
        // free its old copy, secret included, unwiped.
        let size = postcard::serialize_with_flavor(&packed, postcard::ser_flavors::Size::default())
            .map_err(|_| Error::InvalidRecord)?;
        let mut out = Vec::with_capacity(size.saturating_add(1));
        out.push(TAG);
        let out = postcard::to_extend(&packed, out).map_err(|_| Error::InvalidRecord)?;
        Ok(Zeroizing::new(out))
    }

    /// A record from its packed form, checked as a deserialized one is; anything else
    /// (truncated, trailing bytes, another version, a secret or parameter no record holds) is
    /// [`Error::InvalidRecord`].
    pub fn from_packed(bytes: &[u8]) -> Result<Self> {
        let Some((&TAG, body)) = bytes.split_first() else {
            return Err(Error::InvalidRecord);
        };
        let packed: PackedRecord = match postcard::take_from_bytes(body) {
            Ok((packed, [])) => packed,
            _ => return Err(Error::InvalidRecord),
        };
        let record = Self {
            v: RECORD_VERSION,
            active: packed.active.map(unpack_authenticator).transpose()?,
            pending: packed
                .pending
                .map(|p| {
                    Ok::<_, Error>(Pending {
                        authenticator: unpack_authenticator(p.authenticator)?,
                        issuer: p.issuer,
                        account: p.account,
                        expires_at: p.expires_at,
                    })
                })
                .transpose()?,
            failures: packed.failures,
            last_failure_at: packed.last_failure_at,
            sources: packed
                .sources
                .into_iter()
                .map(|s| SourceCount {
                    id: hex(&s.id),
                    failures: s.failures,
                    last_failure_at: s.last_failure_at,
                })
                .collect(),
            recovery: packed.recovery.map(|r| RecoveryCodes {
                salt: hex(&r.salt),
                hashes: hex(&r.hashes.concat()),
                used: r.used,
            }),
        };
        record.validate()?;
        Ok(record)
    }
}

fn pack_authenticator(a: &Authenticator) -> Result<PackedAuthenticator> {
    Ok(PackedAuthenticator {
        secret: Zeroizing::new(a.secret()?.as_bytes().to_vec()),
        algorithm: a.algorithm.clone(),
        digits: a.digits,
        period: a.period,
        last_step: a.last_step,
        drift: a.drift,
        resync: a.resync.map(|r| (r.offset, r.step, r.expires_at)),
    })
}

fn unpack_authenticator(a: PackedAuthenticator) -> Result<Authenticator> {
    let secret = Secret::from_bytes(&a.secret).map_err(|_| Error::InvalidRecord)?;
    Ok(Authenticator {
        secret: StoredSecret(secret.to_base32()),
        algorithm: a.algorithm,
        digits: a.digits,
        period: a.period,
        last_step: a.last_step,
        drift: a.drift,
        resync: a.resync.map(|(offset, step, expires_at)| Resync {
            offset,
            step,
            expires_at,
        }),
    })
}
