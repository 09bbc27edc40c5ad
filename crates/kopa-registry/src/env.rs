//! Time and randomness, passed into the registry so that tests and the demo generator
//! are deterministic. Business rules never read the system clock themselves.

use kopa_domain::Timestamp;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The computer's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Timestamp(ms)
    }
}

impl SystemClock {
    pub fn now_date(&self) -> kopa_domain::Date {
        self.now().date()
    }
}

/// This computer's name (`/etc/hostname`), the default device name of a new replica;
/// "this computer" where there is none.
pub fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "this computer".into())
}

/// A clock that stands still until moved: for tests and the demo generator.
#[derive(Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Arc::new(AtomicI64::new(at.0)))
    }
    pub fn set(&self, at: Timestamp) {
        self.0.store(at.0, Ordering::SeqCst);
    }
    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

/// The source of ids' random bits.
pub struct Ids(ChaCha20Rng);

impl Ids {
    pub fn from_seed(seed: u64) -> Self {
        Self(ChaCha20Rng::seed_from_u64(seed))
    }
    pub fn from_entropy() -> Self {
        Self(ChaCha20Rng::from_entropy())
    }
    pub fn random10(&mut self) -> [u8; 10] {
        let mut b = [0u8; 10];
        self.0.fill_bytes(&mut b);
        b
    }
}

/// The outside world as the registry sees it.
pub struct Env {
    pub clock: Box<dyn Clock>,
    pub ids: Ids,
    /// How costly a guess at a passphrase is made when a lock is sealed.
    pub kdf: crate::keyring::Cost,
}

impl Env {
    /// The real clock and fresh randomness.
    pub fn system() -> Self {
        Self {
            clock: Box::new(SystemClock),
            ids: Ids::from_entropy(),
            kdf: crate::keyring::Cost::STANDARD,
        }
    }

    /// The real clock and fresh randomness, for a replica whose passphrase is a
    /// random machine key (the hub's), which needs no costly derivation.
    pub fn machine() -> Self {
        Self {
            kdf: crate::keyring::Cost::LIGHT,
            ..Self::system()
        }
    }
    pub fn manual(clock: ManualClock, seed: u64) -> Self {
        Self {
            clock: Box::new(clock),
            ids: Ids::from_seed(seed),
            kdf: crate::keyring::Cost::LIGHT,
        }
    }
}
