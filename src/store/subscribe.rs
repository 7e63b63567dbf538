//! Followers: background tasks that tell a session's watchers "events up to seq N exist".
//!
//! The message is a hint, never the data: the receiver reads `events_after(its last seq)`, so a
//! coalesced, duplicated or lost-and-resent hint costs nothing but a query.

//! Each backend's follower lives beside it (`sqlite/follow.rs`, `postgres/follow.rs`); this is
//! what they share.

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

/// News waiting for the receiver, at most: more is pointless (see `offer`).
pub(crate) const QUEUE: usize = 16;

/// Hands `seq` to the receiver; false once the receiver is gone.
pub(crate) fn offer(tx: &mpsc::Sender<i64>, seq: i64) -> bool {
    match tx.try_send(seq) {
        // A full queue already holds news the receiver has not read; when it does read, its
        // `events_after` returns this seq's event too.
        Ok(()) | Err(TrySendError::Full(_)) => true,
        Err(TrySendError::Closed(_)) => false,
    }
}
