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
//! Two modules come from it: the whole API (`totpkit_bg.wasm`) and, with the `qr` feature, the QR
//! module (`totpkit_qr_bg.wasm`): only the calls `wire.json` marks `qr` (URI parsing, the key's
//! grouping, the QR as SVG), which is what `<totp-enrollment>` needs to show an enrollment. It has
//! no HMAC, hashes or diagnosis, so the page loads about half the bytes.
//!
//! Built only for `wasm32` (scripts/build-pkg.sh); on other targets the crate is empty, so
//! `cargo test --workspace` and clippy still walk it.

#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
extern crate alloc;

#[cfg(target_arch = "wasm32")]
// The QR module exports a few of the calls; the uses of the others are then unused.
#[cfg_attr(feature = "qr", allow(dead_code, unused_imports))]
pub mod api;
#[cfg(target_arch = "wasm32")]
mod heap;
#[cfg(target_arch = "wasm32")]
#[cfg_attr(feature = "qr", allow(dead_code))]
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
