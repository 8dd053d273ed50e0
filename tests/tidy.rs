//! House rules checked as a test (rust-analyzer's tidy idea): module docs on every source file,
//! `#[wasm_bindgen]` only in the binding crate's `wasm/src/api.rs`, `unsafe` only in its
//! allocator, no clock or network in the core, the JS front's error codes equal to the core's,
//! and the no-panic lints still switched on in Cargo.toml.
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
    for dir in ["src", "wasm/src", "mock-server/src"] {
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
    for dir in ["src", "wasm/src", "mock-server/src"] {
        for file in rust_files(&root().join(dir)) {
            let text = fs::read_to_string(&file).unwrap();
            let code: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            let allowed = file.ends_with("wasm/src/api.rs");
            assert!(
                allowed || !code.contains("#[wasm_bindgen"),
                "{} uses #[wasm_bindgen]",
                file.display()
            );
        }
    }
    // The core depends on no JS binding crate at all.
    let manifest = fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let core_deps = manifest.split("[profile").next().unwrap();
    for binding in ["wasm-bindgen", "js-sys", "web-sys"] {
        assert!(
            !core_deps.contains(&format!("\n{binding} =")),
            "the core depends on {binding}"
        );
    }
}

#[test]
fn unsafe_code_only_in_the_allocator() {
    for dir in ["src", "wasm/src", "mock-server/src"] {
        for file in rust_files(&root().join(dir)) {
            let text = fs::read_to_string(&file).unwrap();
            let allowed = file.ends_with("wasm/src/heap.rs");
            assert!(
                allowed || !text.contains("allow(unsafe_code)") && !text.contains("unsafe {"),
                "{} uses unsafe code",
                file.display()
            );
        }
    }
    let heap = fs::read_to_string(root().join("wasm/src/heap.rs")).unwrap();
    // Every unsafe block and impl says why it is sound.
    assert_eq!(
        heap.matches("unsafe {").count() + heap.matches("unsafe impl").count(),
        heap.matches("// SAFETY").count(),
        "an unsafe block in wasm/src/heap.rs without a SAFETY comment"
    );
}

#[test]
fn the_js_front_knows_the_core_error_codes_in_order() {
    let front = fs::read_to_string(root().join("npm/totpkit.js")).unwrap();
    let list = front
        .split("const CODES = [")
        .nth(1)
        .unwrap()
        .split("];")
        .next()
        .unwrap();
    let js: Vec<&str> = list
        .split(',')
        .map(|c| c.trim().trim_matches('\'').trim())
        .filter(|c| !c.is_empty())
        .collect();
    let record = fs::read_to_string(root().join("wasm/src/record.rs")).unwrap();
    let order = record
        .split("pub const ERRORS")
        .nth(1)
        .unwrap()
        .split("];")
        .next()
        .unwrap();
    let rust: Vec<&str> = order
        .split("Error::")
        .skip(1)
        .map(|c| c.split(',').next().unwrap().trim())
        .collect();
    assert_eq!(js, rust, "npm/totpkit.js CODES and wasm/src/record.rs ERRORS differ");
    // And ERRORS lists every code the core has, with the codes the d.ts promises.
    let dts = fs::read_to_string(root().join("npm/totpkit.d.ts")).unwrap();
    let error_rs = fs::read_to_string(root().join("src/error.rs")).unwrap();
    for code in &rust {
        assert!(error_rs.contains(&format!("Self::{code} => \"{code}\"")), "{code} is not a core code");
        assert!(dts.contains(&format!("\"{code}\"")), "{code} is missing from totpkit.d.ts");
    }
    let codes = error_rs
        .split("pub const fn code")
        .nth(1)
        .unwrap()
        .split("pub const fn message")
        .next()
        .unwrap();
    assert_eq!(
        codes.matches(" => \"").count(),
        rust.len(),
        "src/error.rs has a code that wasm/src/record.rs ERRORS does not list"
    );
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
        "unsafe_code = \"deny\"",
    ] {
        assert!(manifest.contains(lint), "Cargo.toml lost `{lint}`");
    }
    // And nothing in the core or the binding switches them off again.
    for file in rust_files(&root().join("src"))
        .into_iter()
        .chain(rust_files(&root().join("wasm/src")))
    {
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
