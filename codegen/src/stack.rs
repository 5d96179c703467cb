//! Threads with room for deep expressions. sqlparser reads `a AND b AND ...` into a tree as deep
//! as it has terms, and printing, normalizing, visiting and dropping it recurse that deep:
//! PostgreSQL takes a CHECK of 10,000 terms (and `pull` reads one), which overflowed the 2 MiB
//! stack of a spawned thread. The stack is reserved, not used, until an expression needs it.

use std::thread::{Scope, ScopedJoinHandle};

/// The stack of every thread the compiler (and the CLI's main work) runs on.
pub const SIZE: usize = 256 << 20;

/// `scope.spawn(f)` on a thread with a `SIZE` stack.
pub fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope Scope<'scope, '_>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> ScopedJoinHandle<'scope, T> {
    std::thread::Builder::new().stack_size(SIZE).spawn_scoped(scope, f).expect("the system starts a thread")
}
