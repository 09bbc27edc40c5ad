#![no_main]
//! Fuzzes `kopa_fuzz::FileTarget::import`; see crates/kopa-fuzz for what the bytes mean.

use libfuzzer_sys::fuzz_target;
use std::sync::{Mutex, OnceLock};

static TARGET: OnceLock<Mutex<kopa_fuzz::FileTarget>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let target = TARGET.get_or_init(|| Mutex::new(kopa_fuzz::FileTarget::new()));
    let mut target = target.lock().unwrap_or_else(|p| p.into_inner());
    let _ = target.import(data);
});
