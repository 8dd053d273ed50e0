//! House rules checked as a test (rust-analyzer's tidy idea): module docs on every source file,
//! `#[wasm_bindgen]` only in `src/wasm.rs`, no clock or network in the core, and the
//! no-panic lints still switched on in Cargo.toml.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Source text without `#[cfg(test)]` modules (everything after the first one).
fn non_test_code(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap()
}

#[test]
fn every_module_opens_with_docs() {
    for dir in ["src", "mock-server/src"] {
        for file in rust_files(&root().join(dir)) {
            let text = fs::read_to_string(&file).unwrap();
            assert!(
                text.starts_with("//!"),
                "{} must open with a //! module doc",
                file.display()
            );
        }
    }
}

#[test]
fn wasm_bindgen_lives_in_one_file() {
    for file in rust_files(&root().join("src")) {
        let text = fs::read_to_string(&file).unwrap();
        let allowed = file.ends_with("src/wasm.rs");
        assert!(
            allowed || !text.contains("wasm_bindgen"),
            "{} mentions wasm_bindgen",
            file.display()
        );
    }
}

#[test]
fn the_core_reads_no_clock_and_no_network() {
    let forbidden = [
        "SystemTime",
        "Instant::now",
        "Date::now",
        "performance",
        "fetch(",
        "web_sys",
        "std::net",
        "println!",
    ];
    for file in rust_files(&root().join("src")) {
        if file.ends_with("src/wasm.rs") {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        for word in forbidden {
            assert!(
                !non_test_code(&text).contains(word),
                "{} uses {word}",
                file.display()
            );
        }
    }
}

#[test]
fn no_panic_lints_stay_on() {
    let manifest = fs::read_to_string(root().join("Cargo.toml")).unwrap();
    for lint in [
        "unwrap_used = \"deny\"",
        "expect_used = \"deny\"",
        "panic = \"deny\"",
        "indexing_slicing = \"deny\"",
        "unsafe_code = \"forbid\"",
    ] {
        assert!(manifest.contains(lint), "Cargo.toml lost `{lint}`");
    }
    // And nothing in the core switches them off again.
    for file in rust_files(&root().join("src")) {
        let text = fs::read_to_string(&file).unwrap();
        let code = non_test_code(&text);
        for escape in [
            "allow(clippy::unwrap_used",
            "allow(clippy::panic",
            "allow(clippy::indexing_slicing",
            ".unwrap()",
            ".expect(",
            "panic!(",
            "unreachable!(",
        ] {
            assert!(
                !code.contains(escape),
                "{} contains `{escape}` outside tests",
                file.display()
            );
        }
    }
}
