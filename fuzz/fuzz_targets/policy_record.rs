//! The server policy's stored record, from any bytes: the packed reader (`Record::from_packed`,
//! src/policy/packed.rs) and the JSON one (serde). Each refuses with `InvalidRecord` only, never
//! panics; what either reads is a record the other encoding holds the same (the differential:
//! packed → JSON → packed, JSON → packed → JSON), and packing is a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;
use totpkit::Error;
use totpkit::policy::Record;

/// A record read from either encoding reads back equal through both.
fn round_trips(record: &Record) {
    let packed = record.to_packed().expect("a record in hand packs");
    let unpacked = Record::from_packed(&packed).expect("a packed record reads");
    assert_eq!(&unpacked, record);
    assert_eq!(unpacked.to_packed().unwrap(), packed, "packing is a fixed point");
    let json = serde_json::to_vec(record).expect("a record in hand serializes");
    let parsed: Record = serde_json::from_slice(&json).expect("its JSON reads");
    assert_eq!(&parsed, record);
}

fuzz_target!(|data: &[u8]| {
    match Record::from_packed(data) {
        Ok(record) => round_trips(&record),
        Err(e) => assert_eq!(e, Error::InvalidRecord),
    }
    if let Ok(record) = serde_json::from_slice::<Record>(data) {
        round_trips(&record);
    }
});
