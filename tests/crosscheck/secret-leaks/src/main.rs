//! Runs secret-handling operations of the totpkit core under an allocator that inspects every
//! freed buffer: one that still holds the secret (as base32 text or as raw key bytes) is a copy
//! nobody wiped, left for the next allocation, a heap dump or a swap file to find. `Secret` and
//! the `Zeroizing` strings wipe themselves; this finds the intermediate copies that do not.
//! The last line is "secret-leaks: N passed, N failed".
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use totpkit::{EnrollmentRequest, KeyUri, OtpParams, Secret, SecretSource, Totp, enroll};

/// The base32 secret every check uses, and its 20 raw bytes ("Test" "Secret" …).
const B32: &str = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";

static WATCH: AtomicBool = AtomicBool::new(false);
static HITS: AtomicUsize = AtomicUsize::new(0);
static mut RAW: [u8; 20] = [0; 20];

struct Spy;

// SAFETY: forwards to the system allocator; `dealloc` only reads the block it is handed,
// which is still allocated until `System.dealloc` returns.
unsafe impl GlobalAlloc for Spy {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WATCH.load(Ordering::Relaxed) {
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            let raw = unsafe { *std::ptr::addr_of!(RAW) };
            let holds = |needle: &[u8]| block.windows(needle.len()).any(|w| w == needle);
            if holds(&B32.as_bytes()[..16]) || holds(&raw[..12]) {
                HITS.fetch_add(1, Ordering::Relaxed);
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Spy = Spy;

fn leaks(f: impl FnOnce()) -> usize {
    HITS.store(0, Ordering::Relaxed);
    WATCH.store(true, Ordering::Relaxed);
    f();
    WATCH.store(false, Ordering::Relaxed);
    HITS.load(Ordering::Relaxed)
}

fn secret() -> Secret {
    Secret::from_base32(B32).expect("a valid secret")
}

/// A record with an enrollment pending for the secret: the policy takes a new secret from the
/// first bytes of the random bytes it is given.
fn enrolling() -> totpkit::policy::Record {
    let mut random = zeroize::Zeroizing::new(vec![0u8; totpkit::policy::RANDOM_BYTES]);
    random[..20].copy_from_slice(unsafe { &*std::ptr::addr_of!(RAW) });
    let policy = totpkit::policy::Policy::default();
    totpkit::policy::Record::new()
        .begin_enrollment(&policy, "ACME", "alice@example.com", 0, &random)
        .expect("begins")
        .record
}

fn main() {
    let raw: [u8; 20] = secret().as_bytes().try_into().expect("20 bytes");
    unsafe { *std::ptr::addr_of_mut!(RAW) = raw };
    let long_issuer = "Example Corporation International Holdings";
    let uri = format!("otpauth://totp/a?secret={B32}&issuer=X");
    let checks: Vec<(&str, Box<dyn FnOnce()>)> = vec![
        ("Secret::from_base32, dropped", Box::new(|| drop(secret()))),
        (
            "Secret::from_bytes, dropped",
            Box::new(|| {
                // Read from the static, not captured: a captured key would sit in the closure's box.
                let raw = unsafe { *std::ptr::addr_of!(RAW) };
                drop(Secret::from_bytes(&raw));
            }),
        ),
        (
            "Secret::to_base32 and to_grouped_base32, dropped",
            Box::new(|| {
                let s = secret();
                drop((s.to_base32(), s.to_grouped_base32()));
            }),
        ),
        (
            "secret::format_base32, dropped",
            Box::new(|| drop(totpkit::secret::format_base32(B32))),
        ),
        (
            "Totp: codes and verification, dropped",
            Box::new(|| {
                let t = Totp::new(&secret(), OtpParams::default()).expect("params");
                let code = t.code_at(59);
                let _ = t.verify(code.as_str(), 59, 10);
            }),
        ),
        (
            "KeyUri::parse, dropped (the caller keeps its input)",
            Box::new(|| drop(KeyUri::parse(&uri))),
        ),
        (
            "KeyUri::to_uri with a short issuer, wiped by the caller",
            Box::new(|| {
                let key = KeyUri::totp(
                    secret(),
                    "alice@example.com",
                    Some("ACME"),
                    OtpParams::default(),
                );
                drop(zeroize::Zeroizing::new(key.to_uri().expect("uri")));
            }),
        ),
        (
            "KeyUri::to_uri with a long issuer, wiped by the caller",
            Box::new(move || {
                let key = KeyUri::totp(
                    secret(),
                    "alice@example.com",
                    Some(long_issuer),
                    OtpParams::default(),
                );
                drop(zeroize::Zeroizing::new(key.to_uri().expect("uri")));
            }),
        ),
        (
            "enroll with a long issuer, dropped",
            Box::new(move || {
                let mut req = EnrollmentRequest::new("alice@example.com");
                req.issuer = Some(long_issuer.into());
                req.secret = SecretSource::Given(secret());
                drop(enroll(req));
            }),
        ),
        (
            "policy::Record, packed and read back (the server kit's stored form), dropped",
            Box::new(|| {
                let record = enrolling();
                let packed = record.to_packed().expect("packs");
                drop(totpkit::policy::Record::from_packed(&packed).expect("reads"));
                drop((packed, record));
            }),
        ),
        (
            "diagnose::diagnose, dropped",
            Box::new(|| {
                let _ = totpkit::diagnose::diagnose(
                    &secret(),
                    "123456",
                    1_700_000_000,
                    OtpParams::default(),
                    10,
                );
            }),
        ),
    ];
    let (mut passed, mut failed) = (0, 0);
    for (name, check) in checks {
        match leaks(check) {
            0 => {
                passed += 1;
                println!("ok    {name}");
            }
            n => {
                failed += 1;
                println!("LEAK  {name}: {n} freed buffer(s) still held the secret");
            }
        }
    }
    println!("secret-leaks: {passed} passed, {failed} failed");
    std::process::exit(i32::from(failed > 0));
}
