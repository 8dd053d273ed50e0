//! The WebAssembly binding of totpkit: the one room with `#[wasm_bindgen]`, the cdylib, the panic
//! handler and the allocator.
//!
//! What crosses the boundary is numbers, UTF-8 strings and byte buffers in the module's memory,
//! nothing else: no `JsValue`, no `Reflect`, no JS objects built from Rust. The typed JS front in
//! `npm/` is the public API: it checks JS types, encodes arguments, builds the result objects and
//! throws `TotpkitError`. Every rule (ranges, defaults, parsing, codes, QR, clock) stays in the
//! core (`totpkit`), which the mock server uses natively. See [`api`] for the calling convention;
//! the wire's layout (every call's arguments and result) is declared once, in `wasm/wire.json`,
//! from which `build.rs` generates the exports and `scripts/wire.mjs` the front's side.
//!
//! Three modules come from it: the whole API (`totpkit_bg.wasm`: the Node, Deno, Bun and Workers
//! entries, and a page whose functions need it) and, each with the cargo feature of its name, the
//! calls `wire.json` lists `in` a smaller module: `codes` (`totpkit_codes_bg.wasm`: codes,
//! verification and secrets, which is what `init()` loads for most pages; the browser front
//! builds URIs and draws QR codes in JS) and `qr` (`totpkit_qr_bg.wasm`: URI parsing and the
//! key's grouping, what `<totp-enrollment>` needs to show an enrollment, without HMAC or hashes).
//!
//! Built only for `wasm32` (scripts/build-pkg.sh); on other targets the crate is empty, so
//! `cargo test --workspace` and clippy still walk it.

#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
extern crate alloc;

#[cfg(target_arch = "wasm32")]
// A smaller module exports a few of the calls; the uses of the others are then unused.
#[cfg_attr(
    any(feature = "qr", feature = "codes"),
    allow(dead_code, unused_imports)
)]
pub mod api;
#[cfg(target_arch = "wasm32")]
mod heap;
#[cfg(target_arch = "wasm32")]
#[cfg_attr(any(feature = "qr", feature = "codes"), allow(dead_code))]
mod wire;

/// A panic (which the lints rule out) traps, as `panic = "abort"` would, without std's message
/// formatting: a few hundred bytes instead of kilobytes.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// Every allocation lives for one call, and every freed byte is wiped: see `heap`.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: heap::CallArena = heap::CallArena;
