//! How the stages hand work to rayon.
//!
//! Rayon splits a parallel iterator into a few large pieces (about two per thread)
//! and splits further only when another thread steals one. A piece being worked on
//! cannot be shared any more: when one thread finishes its side early (the search
//! index beside the pages, or the last piece of a stage), it waits while the other
//! works through thousands of items alone. On the 2 × 10,000 benchmark site the end
//! of resolving and the last 0.15 s of rendering ran on one core of two for this
//! reason. Items handed out in small pieces keep both cores busy to the end; the
//! bookkeeping of a piece is a few hundred nanoseconds against the tens of
//! microseconds an item (a file, a record, a page) takes.

/// The most items of a stage's parallel loop worked through as one piece
/// (`IndexedParallelIterator::with_max_len`).
pub const PIECE: usize = 16;
