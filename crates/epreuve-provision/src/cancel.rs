//! Cancellation: Ctrl-C sets a flag that every step of provisioning checks, so that what was
//! made so far is removed instead of left running.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::ProvisionError;

/// A flag shared with the Ctrl-C handler.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag nobody has set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the flag.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the flag is set.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` once the flag is set.
    pub fn check(&self) -> Result<(), ProvisionError> {
        if self.is_cancelled() {
            Err(ProvisionError::Cancelled)
        } else {
            Ok(())
        }
    }
}
