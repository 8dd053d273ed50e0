//! House rules checked as a test (rust-analyzer's tidy idea): module docs on every source file,
//! `#[wasm_bindgen]` only in the two binding rooms (the browser's `wasm/src/api.rs` and the
//! server kit's `server/src/lib.rs`), `unsafe` only in the browser binding's
//! allocator, no clock or network in the core, the JS front's error codes equal to the core's,
//! and the no-panic lints still switched on in Cargo.toml.

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
    for dir in ["src", "wasm/src", "server/src", "mock-server/src"] {
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
    for dir in ["src", "wasm/src", "server/src", "mock-server/src"] {
        for file in rust_files(&root().join(dir)) {
            let text = fs::read_to_string(&file).unwrap();
            let code: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            // Two bindings, each one room: the browser's (numbers only) and the server kit's
            // (one JSON call, in a .wasm no page loads).
            let allowed = file.ends_with("wasm/src/api.rs") || file.ends_with("server/src/lib.rs");
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
    for dir in ["src", "wasm/src", "server/src", "mock-server/src"] {
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
    let front = fs::read_to_string(root().join("npm/front.js")).unwrap();
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
    let rust: Vec<&str> = totpkit::Error::ALL.iter().map(|e| e.code()).collect();
    assert_eq!(js, rust, "npm/front.js CODES and Error::ALL differ");
    // Every index round-trips, and the d.ts promises every code.
    let dts = fs::read_to_string(root().join("npm/totpkit.d.ts")).unwrap();
    for (i, error) in totpkit::Error::ALL.iter().enumerate() {
        assert_eq!(usize::from(error.index()), i + 1);
        assert_eq!(totpkit::Error::from_index(i as u32 + 1), Some(*error));
        assert!(
            dts.contains(&format!("\"{}\"", error.code())),
            "{} is missing from totpkit.d.ts",
            error.code()
        );
    }
    // And Error::ALL has every variant: as many as `code()` has arms.
    let error_rs = fs::read_to_string(root().join("src/error.rs")).unwrap();
    let codes = error_rs
        .split("pub const fn code")
        .nth(1)
        .unwrap()
        .split("pub const fn message")
        .next()
        .unwrap();
    assert_eq!(
        codes.matches(" => \"").count(),
        totpkit::Error::ALL.len(),
        "src/error.rs has a variant that Error::ALL does not list"
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
        .chain(rust_files(&root().join("server/src")))
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

/// One line of the README's architecture map: the paths it names, resolved from the
/// indentation (a child line names a path inside the folder above it).
struct MapEntry {
    /// The paths in the name column (`LICENSE-MIT, LICENSE-APACHE` names two).
    names: Vec<String>,
    /// File and folder names in the description, resolved inside the entry's folder
    /// (`scripts/   setup.sh, build-pkg.sh` names `scripts/setup.sh`).
    mentioned: Vec<String>,
    /// Whether the line says the path is not tracked (build output).
    ignored: bool,
}

/// The text block of README.md's "## Architecture" section, parsed.
fn architecture_map() -> Vec<MapEntry> {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("\n## Architecture\n")
        .nth(1)
        .expect("README.md has an ## Architecture section");
    let block = section
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("the Architecture section opens with a ```text map");
    let mut entries: Vec<MapEntry> = Vec::new();
    // The folder each indentation level is in: parents[n] for a line indented 2n spaces.
    let mut parents: Vec<String> = Vec::new();
    let mut folder_of_last = String::new();
    for line in block.lines() {
        let indent = line.len() - line.trim_start().len();
        let text = line.trim();
        // The name column ends at the first run of two spaces.
        let (name, description) = text.split_once("  ").unwrap_or((text, ""));
        let description = description.trim();
        let is_continuation = indent >= 10;
        let (base, words) = if is_continuation {
            (folder_of_last.clone(), text)
        } else {
            let level = indent / 2;
            parents.truncate(level);
            let base = parents.last().cloned().unwrap_or_default();
            let names: Vec<String> = name
                .split(", ")
                .map(|n| format!("{base}{}", n.trim()))
                .collect();
            folder_of_last = names
                .first()
                .filter(|n| n.ends_with('/'))
                .cloned()
                .unwrap_or_else(|| base.clone());
            if let Some(folder) = names.first().filter(|n| n.ends_with('/')) {
                parents.push(folder.clone());
            }
            entries.push(MapEntry {
                names,
                mentioned: Vec::new(),
                ignored: description.contains("git-ignored"),
            });
            (folder_of_last.clone(), description)
        };
        let mentioned = words
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | ';' | ':'))
            .filter(|w| {
                !w.is_empty()
                    && !w.starts_with('/')
                    && (w.ends_with('/') || w.rsplit_once('.').is_some_and(|(_, e)| e.len() <= 5))
            })
            .map(|w| format!("{base}{w}"));
        entries.last_mut().unwrap().mentioned.extend(mentioned);
    }
    entries
}

fn tracked_files() -> Vec<String> {
    let out = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root())
        .output()
        .expect("git must be installed: the map is checked against the tracked files");
    assert!(out.status.success(), "git ls-files failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\0')
        .filter(|p| !p.is_empty())
        // A file deleted in the working tree but not yet committed is gone already.
        .filter(|p| root().join(p).exists())
        .map(String::from)
        .collect()
}

/// The README's architecture map matches the tree: every top-level entry is named, and every
/// tracked file under `src/`, `wasm/src/`, `npm/`, `www/` and `scripts/` is named, or lies in a
/// folder the map names below that root (`src/qr/` covers `src/qr/svg.rs`; `src/` itself
/// covers nothing). And every path the map's name column gives exists.
#[test]
fn the_architecture_map_lists_every_room() {
    let map = architecture_map();
    let named: Vec<&str> = map
        .iter()
        .flat_map(|e| e.names.iter().chain(&e.mentioned))
        .map(String::as_str)
        .collect();
    let files = tracked_files();
    let mut missing = Vec::new();
    // Top-level entries: a file by its name, a folder by any named path inside it.
    let mut top: Vec<String> = files
        .iter()
        .map(|f| match f.split_once('/') {
            Some((dir, _)) => format!("{dir}/"),
            None => f.clone(),
        })
        .collect();
    top.dedup();
    for entry in &top {
        if !named
            .iter()
            .any(|n| n == entry || (entry.ends_with('/') && n.starts_with(entry.as_str())))
        {
            missing.push(entry.clone());
        }
    }
    for checked in [
        "src/",
        "wasm/src/",
        "server/src/",
        "npm/",
        "www/",
        "scripts/",
    ] {
        for file in files.iter().filter(|f| f.starts_with(checked)) {
            let covered = named.iter().any(|n| {
                *n == file || (n.ends_with('/') && n.len() > checked.len() && file.starts_with(n))
            });
            if !covered {
                missing.push(file.clone());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "README.md's architecture map does not name: {missing:?}"
    );
    let stale: Vec<&String> = map
        .iter()
        .filter(|e| !e.ignored)
        .flat_map(|e| &e.names)
        .filter(|n| {
            !files
                .iter()
                .any(|f| f == *n || (n.ends_with('/') && f.starts_with(n.as_str())))
        })
        .collect();
    assert!(
        stale.is_empty(),
        "README.md's architecture map names what is not in the tree: {stale:?}"
    );
}

/// No comment or document points outside the repository: a fresh clone has nothing there.
#[test]
fn nothing_points_outside_the_repository() {
    let out = std::process::Command::new("git")
        .args([
            "grep",
            "-n",
            "-I",
            "-e",
            "\\.\\./shared/",
            "--",
            ".",
            ":!tests/core/tidy.rs",
        ])
        .current_dir(root())
        .output()
        .expect("git must be installed");
    let hits = String::from_utf8_lossy(&out.stdout);
    assert!(
        hits.trim().is_empty(),
        "paths outside the repository:\n{hits}"
    );
}
