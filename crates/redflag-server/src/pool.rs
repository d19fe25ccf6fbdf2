//! Store connections used from the blocking pool: the store is synchronous, and the `postgres`
//! client must never run on a runtime thread.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use redflag_store::Store;

use crate::AppError;

/// A store connection.
pub type Conn = Box<dyn Store + Send>;

/// A fixed set of connections; each call takes a free one (or waits for one) on a blocking thread.
pub struct StorePool {
    conns: Vec<Arc<Mutex<Conn>>>,
    next: AtomicUsize,
}

impl StorePool {
    /// A pool over the given connections (at least one).
    pub fn new(conns: Vec<Conn>) -> Result<StorePool, String> {
        if conns.is_empty() {
            return Err("a store pool needs a connection".into());
        }
        Ok(StorePool {
            conns: conns.into_iter().map(|c| Arc::new(Mutex::new(c))).collect(),
            next: AtomicUsize::new(0),
        })
    }

    /// A connection for a component that holds one itself (the TAXII router). It is also kept
    /// for the life of the process, so that its last reference is never dropped on a runtime
    /// thread (closing a `postgres` client there panics; see `Drop` below).
    pub fn shared(&self) -> Arc<Mutex<Conn>> {
        static KEEP: Mutex<Vec<Arc<Mutex<Conn>>>> = Mutex::new(Vec::new());
        let c = self.conns[0].clone();
        if let Ok(mut k) = KEEP.lock() {
            k.push(c.clone());
        }
        c
    }

    /// The number of connections.
    pub fn len(&self) -> usize {
        self.conns.len()
    }

    /// Never true: a pool has at least one connection.
    pub fn is_empty(&self) -> bool {
        self.conns.is_empty()
    }

    /// Run `f` with a connection on the blocking pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Store) -> Result<T, AppError> + Send + 'static,
    {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let conns: Vec<Arc<Mutex<Conn>>> = (0..self.conns.len())
            .map(|i| self.conns[(start + i) % self.conns.len()].clone())
            .collect();
        tokio::task::spawn_blocking(move || {
            // A free connection if there is one, else wait for the first.
            let mut guard = None;
            for c in &conns {
                if let Ok(g) = c.try_lock() {
                    guard = Some(g);
                    break;
                }
            }
            let mut g = match guard {
                Some(g) => g,
                // A poisoned lock only means an earlier call panicked mid-way; the store's
                // transactions roll back on their own, so the connection is still usable.
                None => conns[0].lock().unwrap_or_else(|p| p.into_inner()),
            };
            f(&mut **g)
        })
        .await
        .map_err(|e| AppError::Internal(format!("store task: {e}")))?
    }
}

impl Drop for StorePool {
    /// Close the connections on a thread of their own: closing a `postgres` client blocks on its
    /// internal runtime, which panics on a tokio runtime thread (where the server's state is dropped
    /// at shutdown).
    fn drop(&mut self) {
        let conns = std::mem::take(&mut self.conns);
        let _ = std::thread::spawn(move || drop(conns)).join();
    }
}
