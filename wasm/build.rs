//! Generates the Rust side of the wire from its declaration, `wasm/wire.json` (what it declares
//! and why: its `about`). Two files in `OUT_DIR`:
//!
//! - `wire_types.rs`, included by `src/wire.rs`: per call an `<Call>Args` struct (the arguments,
//!   typed, in the order they cross) and, for a record, an `<Call>Out` struct whose `record()`
//!   writes its fields in the declared order. Record writing is private to that module, so the
//!   uses in `src/api.rs` can only make a record through an `Out` struct (or a failure).
//! - `wire_exports.rs`, included by `src/api.rs`: per call the `#[wasm_bindgen]` export, whose
//!   parameters are the declared arguments as numbers (a string's or bytes' length, -1 when
//!   absent); it reads the I/O region into the `Args` struct and calls the use of the same name.
//!
//! So a use that names a field the declaration lacks, or gives it another type, fails to compile;
//! scripts/wire.mjs checks the JS side against the same file. `TOTPKIT_WIRE` names another
//! declaration file (tests/node/wire.test.mjs builds a mismatched one and expects this build to
//! fail).

// Cargo reads a build script's instructions from its standard output.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::Value;

type Result<T> = std::result::Result<T, String>;

/// One argument or record field: `name: type`.
struct Field {
    name: String,
    ty: String,
}

enum Returns {
    /// A plain number (the I/O region's address).
    U32,
    /// One f64, negative for an error: `number` as is, `code` and `match` packed.
    Hot(String),
    Record(Vec<Field>),
}

struct Call {
    name: String,
    doc: String,
    /// The smaller modules that export it too (`"in": ["qr", "codes"]`); the whole module exports
    /// every call.
    modules: Vec<String>,
    args: Vec<Field>,
    returns: Returns,
}

const ARG_TYPES: [&str; 6] = ["str", "str?", "bytes", "bytes?", "f64", "u32"];
const FIELD_TYPES: [&str; 5] = ["f64", "f64?", "str", "str?", "rest"];
const HOT_KINDS: [&str; 3] = ["number", "code", "match"];
/// The smaller modules, each a cargo feature of this crate (scripts/build-pkg.sh builds them).
const MODULES: [&str; 2] = ["qr", "codes"];

fn main() -> Result<()> {
    let path = match std::env::var_os("TOTPKIT_WIRE") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from("wire.json"),
    };
    println!("cargo::rerun-if-env-changed=TOTPKIT_WIRE");
    println!("cargo::rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let calls = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    write(&out.join("wire_types.rs"), &types(&calls)?)?;
    write(&out.join("wire_exports.rs"), &exports(&calls)?)?;
    Ok(())
}

fn write(path: &std::path::Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn parse(text: &str) -> Result<Vec<Call>> {
    let root: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let list = root
        .get("calls")
        .and_then(Value::as_array)
        .ok_or("no \"calls\" list")?;
    let mut calls: Vec<Call> = Vec::new();
    for call in list {
        let name = string(call, "name")?;
        if !is_snake(&name) || calls.iter().any(|c| c.name == name) {
            return Err(format!("call `{name}`: not a new snake_case name"));
        }
        let doc = string(call, "doc")?;
        let modules = match call.get("in") {
            None => Vec::new(),
            Some(Value::Array(list)) => list
                .iter()
                .map(|m| match m.as_str() {
                    Some(m) if MODULES.contains(&m) => Ok(m.to_string()),
                    _ => Err(format!("{name}: `in` lists modules of {MODULES:?}")),
                })
                .collect::<Result<_>>()?,
            Some(_) => return Err(format!("{name}: `in` is a list of modules")),
        };
        let args = fields(call.get("args"), &ARG_TYPES).map_err(|e| format!("{name}: {e}"))?;
        let returns = match call.get("returns") {
            Some(Value::String(kind)) if kind == "u32" => Returns::U32,
            Some(Value::String(kind)) if HOT_KINDS.contains(&kind.as_str()) => {
                Returns::Hot(kind.clone())
            }
            Some(list @ Value::Array(_)) => {
                let fields =
                    fields(Some(list), &FIELD_TYPES).map_err(|e| format!("{name}: {e}"))?;
                let rest_at = fields.iter().position(|f| f.ty == "rest");
                if fields.is_empty()
                    || rest_at.is_some_and(|i| Some(i) != fields.len().checked_sub(1))
                {
                    return Err(format!("{name}: a record has fields, and `rest` only last"));
                }
                Returns::Record(fields)
            }
            _ => return Err(format!("{name}: unknown `returns`")),
        };
        calls.push(Call {
            name,
            doc,
            modules,
            args,
            returns,
        });
    }
    Ok(calls)
}

fn string(value: &Value, key: &str) -> Result<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(String::from)
        .ok_or_else(|| format!("a call without a string `{key}`"))
}

fn fields(list: Option<&Value>, types: &[&str]) -> Result<Vec<Field>> {
    let list = list.and_then(Value::as_array).ok_or("not a list")?;
    let mut out: Vec<Field> = Vec::new();
    for item in list {
        let text = item.as_str().ok_or("an entry that is not a string")?;
        let (name, ty) = text
            .split_once(": ")
            .ok_or_else(|| format!("`{text}`: not `name: type`"))?;
        if !is_snake(name) || out.iter().any(|f| f.name == name) {
            return Err(format!("`{name}`: not a new snake_case name"));
        }
        // The generated exports' own local (a Rust keyword fails the build by itself).
        if name == "io" {
            return Err(format!("`{name}`: a name the generated code uses"));
        }
        if !types.contains(&ty) {
            return Err(format!("`{text}`: unknown type `{ty}`"));
        }
        out.push(Field {
            name: name.into(),
            ty: ty.into(),
        });
    }
    Ok(out)
}

fn is_snake(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `estimate_clock_offset` → `EstimateClockOffset`.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn borrows(fields: &[Field]) -> bool {
    fields
        .iter()
        .any(|f| !matches!(f.ty.as_str(), "f64" | "f64?" | "u32"))
}

fn lifetime(fields: &[Field]) -> &'static str {
    if borrows(fields) { "<'a>" } else { "" }
}

const HEADER: &str =
    "// Generated by wasm/build.rs from wasm/wire.json: edit the declaration, not this file.\n";

fn types(calls: &[Call]) -> Result<String> {
    let mut s = String::from(HEADER);
    for call in calls.iter().filter(|c| !matches!(c.returns, Returns::U32)) {
        let name = camel(&call.name);
        writeln!(
            s,
            "\n/// The arguments of `{}`, in the order they cross.\npub struct {name}Args{} {{",
            call.name,
            lifetime(&call.args)
        )
        .map_err(|e| e.to_string())?;
        for f in &call.args {
            let ty = match f.ty.as_str() {
                "str" => "&'a str",
                "str?" => "Option<&'a str>",
                "bytes" => "&'a [u8]",
                "bytes?" => "Option<&'a [u8]>",
                "f64" => "f64",
                _ => "u32",
            };
            writeln!(
                s,
                "    /// `{}`: {}.\n    pub {}: {ty},",
                f.name, f.ty, f.name
            )
            .map_err(|e| e.to_string())?;
        }
        s.push_str("}\n");
    }
    for call in calls {
        let Returns::Record(fields) = &call.returns else {
            continue;
        };
        let name = camel(&call.name);
        let lt = lifetime(fields);
        writeln!(
            s,
            "\n/// The record `{}` returns, written in this order.\npub struct {name}Out{lt} {{",
            call.name
        )
        .map_err(|e| e.to_string())?;
        for f in fields {
            let ty = match f.ty.as_str() {
                "f64" => "f64",
                "f64?" => "Option<f64>",
                "str" => "&'a str",
                "str?" => "Option<&'a str>",
                _ => "&'a [u8]",
            };
            writeln!(
                s,
                "    /// `{}`: {}.\n    pub {}: {ty},",
                f.name, f.ty, f.name
            )
            .map_err(|e| e.to_string())?;
        }
        writeln!(
            s,
            "}}\n\nimpl {name}Out{} {{\n    /// The record, for the front to read.\n    pub fn record(self) -> Record {{\n        Record::new()",
            if lt.is_empty() { "" } else { "<'_>" }
        )
        .map_err(|e| e.to_string())?;
        for f in fields {
            let writer = match f.ty.as_str() {
                "f64" => "num",
                "f64?" => "opt",
                "str" => "str",
                "str?" => "opt_str",
                _ => "bytes",
            };
            writeln!(s, "            .{writer}(self.{})", f.name).map_err(|e| e.to_string())?;
        }
        s.push_str("    }\n}\n");
    }
    Ok(s)
}

/// The exports: every call's, or with a smaller module's feature (`qr`, `codes`) only the calls
/// whose `in` lists it.
fn exports(calls: &[Call]) -> Result<String> {
    let mut s = String::from(HEADER);
    let module = MODULES
        .iter()
        .find(|m| std::env::var_os(format!("CARGO_FEATURE_{}", m.to_uppercase())).is_some());
    for call in calls
        .iter()
        .filter(|c| module.is_none_or(|m| c.modules.iter().any(|n| n == m)))
    {
        let params: Vec<String> = call
            .args
            .iter()
            .map(|f| {
                let raw = match f.ty.as_str() {
                    "f64" => "f64",
                    "u32" => "u32",
                    _ => "i32",
                };
                format!("{}: {raw}", f.name)
            })
            .collect();
        let reads = call
            .args
            .iter()
            .any(|f| !matches!(f.ty.as_str(), "f64" | "u32"));
        let fields: Vec<String> = call
            .args
            .iter()
            .map(|f| match f.ty.as_str() {
                "str" => format!("{0}: io.str({0})", f.name),
                "str?" => format!("{0}: io.opt({0})", f.name),
                "bytes" => format!("{0}: io.bytes({0})", f.name),
                "bytes?" => format!("{0}: io.opt_bytes({0})", f.name),
                _ => f.name.clone(),
            })
            .collect();
        // Every argument is read before the use runs; a read the front cannot have written (past
        // the region, not UTF-8) fails the call in the runner (`crate::wire::record` and `hot`).
        let args = format!(
            "crate::wire::{}Args {{ {} }}",
            camel(&call.name),
            fields.join(", ")
        );
        let io = if reads { "io" } else { "_io" };
        let (ret, body) = match &call.returns {
            Returns::U32 if call.args.is_empty() => ("u32", format!("super::{}()", call.name)),
            Returns::U32 => return Err(format!("{}: a u32 call takes no arguments", call.name)),
            Returns::Hot(kind) => {
                let pack = match kind.as_str() {
                    "code" => ".map(crate::wire::CodeValue::packed)",
                    "match" => ".map(crate::wire::packed_match)",
                    _ => "",
                };
                (
                    "f64",
                    format!(
                        "crate::wire::hot(&mut |{io}| super::{}({args}){pack})",
                        call.name
                    ),
                )
            }
            Returns::Record(_) => (
                "u32",
                format!(
                    "crate::wire::record(&mut |{io}| super::{}({args}))",
                    call.name
                ),
            ),
        };
        writeln!(
            s,
            "\n/// {}\n#[wasm_bindgen]\npub fn {}({}) -> {ret} {{\n    {body}\n}}",
            call.doc,
            call.name,
            params.join(", ")
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(s)
}
