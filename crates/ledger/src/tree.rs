//! An append-only Merkle tree over a [`HashStore`] of complete subtrees.

use std::convert::Infallible;

use crate::Error;
use crate::hash::{EMPTY_ROOT, Hash, node_hash};
use crate::proof::{Span, consistency_spans, inclusion_spans};

/// Storage for the hashes of the *complete* subtrees of a tree.
///
/// The node at `(level, index)` is the root of the perfect subtree over leaves
/// `[index·2^level, (index+1)·2^level)`; level 0 holds the leaf hashes. A tree of `n` leaves
/// has fewer than `2n` such nodes. Incomplete nodes on the right edge are never stored: they
/// change with every append, and [`Tree`] recomputes them from at most 64 stored nodes.
///
/// [`MemoryStore`] keeps them in vectors; a database backend can keep them in a table keyed
/// by `(level, index)`.
pub trait HashStore {
    /// What the backend can fail with (I/O for a database; nothing in memory).
    type Error: std::error::Error + Send + Sync + 'static;

    /// The hash of the complete subtree at `(level, index)`, or `None` if it is not stored.
    fn get(&self, level: u8, index: u64) -> Result<Option<Hash>, Self::Error>;

    /// Stores the hash of the complete subtree at `(level, index)`.
    ///
    /// [`Tree::append`] writes each level in increasing index order, each index once, and
    /// writes a node only after its two children.
    fn put(&mut self, level: u8, index: u64, hash: Hash) -> Result<(), Self::Error>;
}

/// A [`HashStore`] in memory: one vector per level.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    levels: Vec<Vec<Hash>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store with room for `leaves` leaves, so that building a large tree does not
    /// pay for repeated vector growth.
    pub fn with_capacity(leaves: u64) -> Self {
        let mut levels = Vec::new();
        let mut n = leaves;
        while n > 0 {
            levels.push(Vec::with_capacity(usize::try_from(n).unwrap_or(usize::MAX)));
            n /= 2;
        }
        Self { levels }
    }
}

impl HashStore for MemoryStore {
    type Error = Infallible;

    fn get(&self, level: u8, index: u64) -> Result<Option<Hash>, Infallible> {
        Ok(self
            .levels
            .get(usize::from(level))
            .and_then(|l| l.get(usize::try_from(index).ok()?))
            .copied())
    }

    fn put(&mut self, level: u8, index: u64, hash: Hash) -> Result<(), Infallible> {
        let level = usize::from(level);
        if self.levels.len() <= level {
            self.levels.resize_with(level + 1, Vec::new);
        }
        let nodes = &mut self.levels[level];
        // Tree writes in order, so `index` is either the next slot or (when an append is
        // retried after a failure) an existing one, which is overwritten with the same hash.
        let i = usize::try_from(index).expect("an in-memory level cannot exceed usize");
        debug_assert!(i <= nodes.len(), "write to ({level}, {i}) skips a slot");
        if i < nodes.len() {
            nodes[i] = hash;
        } else {
            nodes.push(hash);
        }
        Ok(())
    }
}

/// An append-only RFC 9162 Merkle tree that answers for every size it has had.
///
/// Roots and proofs for any past size `≤ size()` come from the stored complete subtrees: an
/// inclusion proof reads at most 64 nodes and hashes at most 64 times, whatever the size.
#[derive(Debug, Clone, Default)]
pub struct Tree<S = MemoryStore> {
    store: S,
    size: u64,
}

impl Tree<MemoryStore> {
    /// An empty tree in memory.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<S: HashStore> Tree<S> {
    /// A tree over `store`, which must hold every complete subtree of a tree of `size` leaves
    /// (as written by earlier appends). Missing nodes surface later as [`Error::MissingNode`].
    pub fn open(store: S, size: u64) -> Self {
        Self { store, size }
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The backing store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Gives back the backing store.
    pub fn into_store(self) -> S {
        self.store
    }

    /// Appends a leaf hash (see [`leaf_hash`](crate::leaf_hash)) and returns its index.
    ///
    /// Stores the leaf and every subtree it completes. If the store fails part-way the size is
    /// not advanced, and appending the same hash again rewrites the same nodes.
    pub fn append(&mut self, leaf: Hash) -> Result<u64, Error> {
        let index = self.size;
        if index == u64::MAX {
            return Err(Error::TreeFull);
        }
        self.put(0, index, leaf)?;
        let (mut level, mut i, mut hash) = (0u8, index, leaf);
        // Each trailing 1 bit of the index is a left sibling waiting for this node.
        while i & 1 == 1 {
            let left = self.node(level, i - 1)?;
            hash = node_hash(&left, &hash);
            level += 1;
            i >>= 1;
            self.put(level, i, hash)?;
        }
        self.size = index + 1;
        Ok(index)
    }

    /// The hash of leaf `index`.
    pub fn leaf(&self, index: u64) -> Result<Hash, Error> {
        if index >= self.size {
            return Err(Error::IndexOutOfRange {
                index,
                size: self.size,
            });
        }
        self.node(0, index)
    }

    /// The root hash at the current size.
    pub fn root(&self) -> Result<Hash, Error> {
        self.root_at(self.size)
    }

    /// The root hash the tree had at `size` leaves ([`EMPTY_ROOT`] for 0).
    pub fn root_at(&self, size: u64) -> Result<Hash, Error> {
        self.check_size(size)?;
        if size == 0 {
            return Ok(EMPTY_ROOT);
        }
        self.span_hash((0, size))
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1).
    ///
    /// Empty for a tree of one leaf. Fails if `index >= size` or `size` is beyond the tree.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, Error> {
        self.check_size(size)?;
        if index >= size {
            return Err(Error::IndexOutOfRange { index, size });
        }
        inclusion_spans(index, size)
            .into_iter()
            .map(|span| self.span_hash(span))
            .collect()
    }

    /// The consistency proof from the tree of `old` leaves to the tree of `new` leaves
    /// (RFC 9162 §2.1.4.1).
    ///
    /// Empty when `old == 0` (every tree extends the empty one) or `old == new`. Fails if
    /// `old > new` or `new` is beyond the tree.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, Error> {
        self.check_size(new)?;
        if old > new {
            return Err(Error::SizeOrder { old, new });
        }
        if old == 0 || old == new {
            return Ok(Vec::new());
        }
        consistency_spans(old, new)
            .into_iter()
            .map(|span| self.span_hash(span))
            .collect()
    }

    fn check_size(&self, size: u64) -> Result<(), Error> {
        if size > self.size {
            return Err(Error::SizeBeyondTree {
                requested: size,
                available: self.size,
            });
        }
        Ok(())
    }

    /// MTH of the leaves `[start, end)` of a node of the RFC tree.
    ///
    /// The span splits into complete subtrees, one per 1 bit of its length, largest first
    /// (the RFC splits off the largest power of two on the left each time). Their MTH is the
    /// right fold of those stored hashes, so it costs popcount(len) − 1 hashes.
    fn span_hash(&self, (start, end): Span) -> Result<Hash, Error> {
        let len = end - start;
        debug_assert!(len > 0);
        let mut acc: Option<Hash> = None;
        let mut rest = len;
        while rest != 0 {
            let level = rest.trailing_zeros();
            // Bits above `level` are the larger chunks to the left of this one.
            let offset = len & !((1u64 << level) | ((1u64 << level) - 1));
            let chunk_start = start + offset;
            debug_assert_eq!(chunk_start % (1u64 << level), 0, "span is not aligned");
            let level = u8::try_from(level).expect("a trailing-zero count is below 64");
            let hash = self.node(level, chunk_start >> level)?;
            acc = Some(match acc {
                None => hash,
                Some(right) => node_hash(&hash, &right),
            });
            rest &= rest - 1;
        }
        Ok(acc.expect("a non-empty span has at least one chunk"))
    }

    fn node(&self, level: u8, index: u64) -> Result<Hash, Error> {
        self.store
            .get(level, index)
            .map_err(|e| Error::Store(Box::new(e)))?
            .ok_or(Error::MissingNode { level, index })
    }

    fn put(&mut self, level: u8, index: u64, hash: Hash) -> Result<(), Error> {
        self.store
            .put(level, index, hash)
            .map_err(|e| Error::Store(Box::new(e)))
    }
}
