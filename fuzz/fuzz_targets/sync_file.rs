#![no_main]
//! Fuzzes `kopa_fuzz::FileTarget::import`; see crates/kopa-fuzz for what the bytes mean.

use libfuzzer_sys::fuzz_target;
use std::sync::{Mutex, OnceLock};

static TARGET: OnceLock<Mutex<kopa_fuzz::FileTarget>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let target = TARGET.get_or_init(|| {
        // libfuzzer-sys aborts on every panic, even one the code catches on purpose
        // (a damaged workbook); an uncaught panic still aborts the run below.
        drop(std::panic::take_hook());
        Mutex::new(kopa_fuzz::FileTarget::new())
    });
    let mut target = target.lock().unwrap_or_else(|p| p.into_inner());
    let _ = target.import(data);
});
