//! The allocator: a per-call arena that wipes every byte it gets back.
//!
//! Why not dlmalloc (what std uses on wasm32): it is about 2.4 KB of gzipped `.wasm`, a sixth of
//! the package, to manage lifetimes this module does not have. Every allocation the binding
//! makes lives for one exported call: arguments are copied in by the glue, the core works, the
//! result is copied out by the glue and freed. So a bump pointer is enough, and when the last
//! live block is freed the arena starts over from its base. Growing the top block in place keeps
//! `Vec` and `String` growth cheap.
//!
//! Wiping: `dealloc` zeroes the block before forgetting it, so a secret that passed through the
//! heap (the base32 text, the decoded key, a URI, an SVG, a result buffer) does not outlive the
//! call in the module's memory, whoever forgot to wipe it. `tests/node/memory.test.mjs` searches
//! the whole memory for copies of a key after every kind of call.
//!
//! The arena is pages the module grows at the end of its memory (`memory.grow`), so it never
//! overlaps the stack or static data. It never shrinks: a page that rendered one large QR keeps
//! its memory, which is at most a few hundred kilobytes.
//!
//! Below the arena lies the I/O region ([`with_io`]): a fixed block where the JS front writes a
//! call's string arguments and reads its result. It is reserved once, before the first
//! allocation, and is the only memory shared with JS.
//!
//! Single-threaded by construction (no wasm threads in this module); the atomics below compile
//! to plain loads and stores and exist only so the statics need no `unsafe`.

// `GlobalAlloc` is an unsafe trait; this module is the only place in totpkit allowed `unsafe`
// (tests/core/tidy.rs checks it).
#![allow(unsafe_code)]

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

const PAGE: usize = 65_536;

/// Start of the arena (0 until the first allocation).
static BASE: AtomicUsize = AtomicUsize::new(0);
/// First free byte.
static NEXT: AtomicUsize = AtomicUsize::new(0);
/// One past the last byte of memory the arena owns.
static END: AtomicUsize = AtomicUsize::new(0);
/// Blocks handed out and not yet freed.
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The global allocator (see the module docs).
pub struct CallArena;

/// Makes `[start, start + size)` part of the arena, growing memory as needed. `None` when the
/// address space or the host refuses.
fn reserve(start: usize, size: usize) -> Option<()> {
    let end = start.checked_add(size)?;
    let have = END.load(Relaxed);
    if end > have {
        let pages = end.checked_sub(have)?.div_ceil(PAGE);
        if wasm32::memory_grow(0, pages) == usize::MAX {
            return None;
        }
        END.store(have.checked_add(pages.checked_mul(PAGE)?)?, Relaxed);
    }
    Some(())
}

/// Bytes in the I/O region: room for every string argument of a call at its longest (the front
/// caps each at 65 536 UTF-16 units, at most 3 bytes each in UTF-8) and for the largest result (an
/// SVG whose 64 Ki-character title is escaped twice).
pub const IO_BYTES: usize = 24 * PAGE;

/// Start of the I/O region (0 until first use).
static IO: AtomicUsize = AtomicUsize::new(0);
/// Set while a closure holds the I/O region, so it is never lent twice.
static IO_LENT: AtomicBool = AtomicBool::new(false);

fn first_use() -> Option<()> {
    if BASE.load(Relaxed) == 0 {
        let io = wasm32::memory_size(0).checked_mul(PAGE)?;
        if wasm32::memory_grow(0, IO_BYTES / PAGE) == usize::MAX {
            return None;
        }
        let end = io.checked_add(IO_BYTES)?;
        IO.store(io, Relaxed);
        BASE.store(end, Relaxed);
        NEXT.store(end, Relaxed);
        END.store(end, Relaxed);
    }
    Some(())
}

/// The address of the I/O region, reserving it on first use (0 if memory cannot grow).
pub fn io_address() -> usize {
    first_use().map_or(0, |()| IO.load(Relaxed))
}

/// Lends the I/O region to `f`: the JS front wrote the call's arguments there before the call
/// and reads the result from there after it. `None` if it cannot be reserved or is already lent.
pub fn with_io<R>(f: impl FnOnce(&mut [u8]) -> R) -> Option<R> {
    let start = io_address();
    if start == 0 || IO_LENT.swap(true, Relaxed) {
        return None;
    }
    // SAFETY: `[start, start + IO_BYTES)` was grown for the region in `first_use`, lies below
    // the arena (which starts at its end), and belongs to no Rust object; IO_LENT guarantees that
    // this is the only live reference to it until `f` returns. JS touches it only between calls.
    let io = unsafe { core::slice::from_raw_parts_mut(start as *mut u8, IO_BYTES) };
    let result = f(io);
    IO_LENT.store(false, Relaxed);
    Some(result)
}

fn bump(layout: Layout) -> Option<usize> {
    first_use()?;
    let next = NEXT.load(Relaxed);
    let start = next.checked_next_multiple_of(layout.align())?;
    reserve(start, layout.size())?;
    NEXT.store(start.checked_add(layout.size())?, Relaxed);
    LIVE.store(LIVE.load(Relaxed).checked_add(1)?, Relaxed);
    Some(start)
}

// SAFETY (for the impl): blocks never overlap (the bump pointer only moves past handed-out
// blocks while any is live, and resets only when none is), are aligned as asked, and lie in
// memory the module owns (grown for the arena, above the stack and static data).
unsafe impl GlobalAlloc for CallArena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump(layout).map_or(ptr::null_mut(), |addr| addr as *mut u8)
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: `block` was returned by `alloc` for this layout and is not used after this
        // call, so writing its `size` bytes is in bounds and races with nothing.
        unsafe { ptr::write_bytes(block, 0, layout.size()) };
        let addr = block as usize;
        if addr.checked_add(layout.size()) == Some(NEXT.load(Relaxed)) {
            // The top block: give its bytes back at once (a `Vec` that grew and was dropped).
            NEXT.store(addr, Relaxed);
        }
        let live = LIVE.load(Relaxed).saturating_sub(1);
        LIVE.store(live, Relaxed);
        if live == 0 {
            NEXT.store(BASE.load(Relaxed), Relaxed);
        }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let addr = block as usize;
        let old_end = addr.checked_add(layout.size());
        // The top block grows or shrinks in place: no copy, nothing left behind to wipe.
        if old_end == Some(NEXT.load(Relaxed)) && reserve(addr, new_size).is_some() {
            if let Some(tail) = layout.size().checked_sub(new_size) {
                // SAFETY: the tail `[addr + new_size, addr + old size)` belongs to this block.
                unsafe { ptr::write_bytes(block.wrapping_add(new_size), 0, tail) };
            }
            if let Some(end) = addr.checked_add(new_size) {
                NEXT.store(end, Relaxed);
                return block;
            }
        }
        // Elsewhere: a new block, a copy, and the old block wiped by `dealloc`.
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return ptr::null_mut();
        };
        // SAFETY: as `GlobalAlloc::realloc`'s default: a fresh block of `new_size` bytes, the
        // smaller of the two sizes copied, then the old block freed.
        unsafe {
            let fresh = self.alloc(new_layout);
            if !fresh.is_null() {
                ptr::copy_nonoverlapping(block, fresh, layout.size().min(new_size));
                self.dealloc(block, layout);
            }
            fresh
        }
    }
}
