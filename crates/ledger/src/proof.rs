//! Proof shapes (which subtrees a proof lists) and proof verification, RFC 9162 §2.1.3–2.1.4.

use crate::Error;
use crate::hash::{EMPTY_ROOT, Hash, node_hash};

/// The leaves `[start, end)` under one node of the RFC 9162 tree.
///
/// Every range produced here starts at a multiple of the smallest power of two not below its
/// length, which is what lets [`Tree`](crate::Tree) read it as a few stored complete subtrees.
pub(crate) type Span = (u64, u64);

/// Largest power of two strictly below `n`; `n` must be at least 2.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// The subtrees whose hashes form PATH(index, D[0:size]), leaf side first (RFC 9162 §2.1.3.1).
///
/// Requires `index < size`.
pub(crate) fn inclusion_spans(index: u64, size: u64) -> Vec<Span> {
    debug_assert!(index < size);
    let (mut start, mut end) = (0, size);
    let mut spans = Vec::with_capacity(64);
    // Walk from the root down to the leaf, noting the sibling at each step; the proof lists
    // them from the leaf up, hence the reversal.
    while end - start > 1 {
        let mid = start + split_point(end - start);
        if index < mid {
            spans.push((mid, end));
            end = mid;
        } else {
            spans.push((start, mid));
            start = mid;
        }
    }
    spans.reverse();
    spans
}

/// The subtrees whose hashes form PROOF(old, D[0:new]) (RFC 9162 §2.1.4.1).
///
/// Requires `0 < old < new`.
pub(crate) fn consistency_spans(old: u64, new: u64) -> Vec<Span> {
    debug_assert!(0 < old && old < new);
    let (mut start, mut end) = (0, new);
    // `whole` is SUBPROOF's flag b: true while the old tree is a prefix that starts at the
    // left edge, in which case the verifier already knows its hash and it is left out.
    let mut whole = true;
    let mut spans = Vec::with_capacity(64);
    loop {
        if old == end {
            if !whole {
                spans.push((start, end));
            }
            break;
        }
        let mid = start + split_point(end - start);
        if old <= mid {
            spans.push((mid, end));
            end = mid;
        } else {
            spans.push((start, mid));
            start = mid;
            whole = false;
        }
    }
    spans.reverse();
    spans
}

/// Verifies that `leaf_hash` is the leaf at `index` in the tree of `size` leaves with root
/// `root` (RFC 9162 §2.1.3.2).
///
/// A tree of size 1 has an empty proof and its root is the leaf hash; no leaf is included in
/// the empty tree, so `size == 0` always fails with [`Error::IndexOutOfRange`].
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), Error> {
    let computed = root_from_inclusion_proof(leaf_hash, index, size, proof)?;
    if computed == *root {
        Ok(())
    } else {
        Err(Error::InclusionMismatch)
    }
}

/// Computes the root hash that an inclusion proof leads to, for callers that compare it with
/// several candidate roots.
pub fn root_from_inclusion_proof(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, Error> {
    if index >= size {
        return Err(Error::IndexOutOfRange { index, size });
    }
    // The RFC algorithm also rejects a wrong length (via `sn`), but checking it first gives
    // a precise error instead of a hash mismatch.
    let expected = inclusion_spans(index, size).len();
    if proof.len() != expected {
        return Err(Error::ProofLength {
            expected,
            actual: proof.len(),
        });
    }
    let mut f = index;
    let mut s = size - 1;
    let mut r = *leaf_hash;
    for p in proof {
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            // A right-edge node with no sibling at this level is lifted unchanged.
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    // Guaranteed by the length check; kept as the RFC's own acceptance condition.
    debug_assert_eq!(s, 0);
    Ok(r)
}

/// Verifies that the tree of `new_size` leaves with root `new_root` extends the tree of
/// `old_size` leaves with root `old_root` (RFC 9162 §2.1.4.2), with this crate's edge rules:
///
/// - `old_size > new_size` fails;
/// - `old_size == 0`: the empty tree is a prefix of every tree, so the proof must be empty and
///   `old_root` must be [`EMPTY_ROOT`]; `new_root` is not constrained unless `new_size` is 0 too.
///   A non-empty proof from size 0 is rejected, as the RFC verifier does;
/// - `old_size == new_size`: the proof must be empty and the roots equal;
/// - otherwise the RFC algorithm, with the proof length checked first.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), Error> {
    if old_size > new_size {
        return Err(Error::SizeOrder {
            old: old_size,
            new: new_size,
        });
    }
    let expected = consistency_proof_len(old_size, new_size);
    if proof.len() != expected {
        return Err(Error::ProofLength {
            expected,
            actual: proof.len(),
        });
    }
    if old_size == 0 {
        if *old_root != EMPTY_ROOT || (new_size == 0 && *new_root != EMPTY_ROOT) {
            return Err(Error::EmptyTreeRoot);
        }
        return Ok(());
    }
    if old_size == new_size {
        return if old_root == new_root {
            Ok(())
        } else {
            Err(Error::ConsistencyMismatch)
        };
    }

    // When the old size is a power of two the old root is itself a node of the new tree and
    // the proof omits it; put it back so the walk below has a uniform start.
    let seed = if old_size.is_power_of_two() {
        *old_root
    } else {
        proof[0]
    };
    let rest = if old_size.is_power_of_two() {
        proof
    } else {
        &proof[1..]
    };
    let mut f = old_size - 1;
    let mut s = new_size - 1;
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (seed, seed);
    for c in rest {
        if s == 0 {
            return Err(Error::ConsistencyMismatch);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if fr == *old_root && sr == *new_root && s == 0 {
        Ok(())
    } else {
        Err(Error::ConsistencyMismatch)
    }
}

/// Number of hashes in a consistency proof between the sizes (0 for the edge cases).
pub(crate) fn consistency_proof_len(old_size: u64, new_size: u64) -> usize {
    if old_size == 0 || old_size >= new_size {
        0
    } else {
        consistency_spans(old_size, new_size).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_point_is_largest_power_below() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(u64::MAX), 1 << 63);
    }

    #[test]
    fn spans_match_rfc_examples() {
        // RFC 9162 §2.1.5: the tree of 7 leaves a..g.
        assert_eq!(inclusion_spans(0, 7), vec![(1, 2), (2, 4), (4, 7)]);
        assert_eq!(inclusion_spans(3, 7), vec![(2, 3), (0, 2), (4, 7)]);
        assert_eq!(inclusion_spans(4, 7), vec![(5, 6), (6, 7), (0, 4)]);
        assert_eq!(inclusion_spans(6, 7), vec![(4, 6), (0, 4)]);
        assert_eq!(
            consistency_spans(3, 7),
            vec![(2, 3), (3, 4), (0, 2), (4, 7)]
        );
        assert_eq!(consistency_spans(4, 7), vec![(4, 7)]);
        assert_eq!(consistency_spans(6, 7), vec![(4, 6), (6, 7), (0, 4)]);
    }
}
