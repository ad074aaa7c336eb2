//! Files in folders epreuve does not trust, and the files epreuve writes.
//!
//! A candidate's workspace is hostile input: any name in it may be a symlink to the
//! assessor's files, a FIFO that blocks a reader forever, a device that never ends, or a file
//! of gigabytes. [`Root`] reads from such a folder only regular files that really lie inside
//! it, checked on the opened file itself (so a file swapped after a check is still caught),
//! and never more than a stated number of bytes.
//!
//! Every file epreuve writes is written whole or not at all ([`write_atomic`],
//! [`publish_dir`]), and [`WorkspaceLock`] serialises the commands that read or change one
//! workspace.

mod error;
mod lock;
mod read;
mod write;

pub use error::FsError;
pub use lock::WorkspaceLock;
pub use read::{Listed, Root, limits};
pub use write::{copy_tree, publish_dir, sync_dir, write_atomic};
