//! [`ActionSet`]: a set of actions of the embedded reference as a bit set over their dense
//! indices. Unions, differences and intersections over all 17,000 actions cost a few hundred
//! word operations, which is what lets an account audit combine policies per principal
//! cheaply. This module knows nothing of policies or risk.

use crate::data::Action;

/// A set of [`Action`]s.
///
/// An empty set holds no memory: the words are allocated on the first insertion, and
/// [`ActionSet::shrink`] releases them again when a set ends up empty, so the many empty
/// finding sets of a large account cost nothing.
///
/// ```
/// use policy_sentry::analyze::ActionSet;
/// use policy_sentry::data::Action;
///
/// let mut set = ActionSet::new();
/// set.insert(Action::find("s3:getobject").unwrap());
/// assert!(set.contains(Action::find("s3:GetObject").unwrap()));
/// assert_eq!(set.sorted_names(), ["s3:GetObject"]);
/// ```
#[derive(Clone)]
pub struct ActionSet {
    /// Empty, or exactly `word_count()` words.
    words: Box<[u64]>,
}

impl PartialEq for ActionSet {
    fn eq(&self, other: &ActionSet) -> bool {
        match (self.words.is_empty(), other.words.is_empty()) {
            (false, false) => self.words == other.words,
            (true, _) => other.is_empty(),
            (_, true) => self.is_empty(),
        }
    }
}

impl Eq for ActionSet {}

impl std::hash::Hash for ActionSet {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Equal sets hash alike whether or not their words are allocated.
        for word in self.words.iter().filter(|word| **word != 0) {
            word.hash(state);
        }
        self.len().hash(state);
    }
}

impl std::fmt::Debug for ActionSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Default for ActionSet {
    fn default() -> Self {
        ActionSet::new()
    }
}

/// Action indices in `prefix:Name` byte order, and each index's rank in that order.
fn name_order() -> &'static (Vec<u32>, Vec<u32>) {
    static ORDER: std::sync::OnceLock<(Vec<u32>, Vec<u32>)> = std::sync::OnceLock::new();
    ORDER.get_or_init(|| {
        let mut named: Vec<(String, u32)> = Action::all()
            .map(|action| (action.to_string(), action.index() as u32))
            .collect();
        named.sort_unstable();
        let order: Vec<u32> = named.iter().map(|(_, index)| *index).collect();
        let mut rank = vec![0u32; order.len()];
        for (position, index) in order.iter().enumerate() {
            rank[*index as usize] = position as u32;
        }
        (order, rank)
    })
}

fn word_count() -> usize {
    Action::count().div_ceil(64)
}

impl ActionSet {
    /// The empty set (no allocation).
    pub fn new() -> ActionSet {
        ActionSet {
            words: Box::default(),
        }
    }

    /// Every action of the reference.
    pub fn all() -> ActionSet {
        let mut set = ActionSet {
            words: vec![u64::MAX; word_count()].into_boxed_slice(),
        };
        let tail = Action::count() % 64;
        if tail != 0
            && let Some(last) = set.words.last_mut()
        {
            *last = (1u64 << tail) - 1;
        }
        set
    }

    fn allocate(&mut self) {
        if self.words.is_empty() {
            self.words = vec![0; word_count()].into_boxed_slice();
        }
    }

    /// Releases the memory of a set that has become empty.
    pub fn shrink(&mut self) {
        if !self.words.is_empty() && self.is_empty() {
            self.words = Box::default();
        }
    }

    /// Adds an action; true when it was not there yet.
    pub fn insert(&mut self, action: Action) -> bool {
        self.allocate();
        let (word, bit) = (action.index() / 64, action.index() % 64);
        let was = self.words[word] & (1 << bit) != 0;
        self.words[word] |= 1 << bit;
        !was
    }

    /// Removes an action.
    pub fn remove(&mut self, action: Action) {
        if let Some(word) = self.words.get_mut(action.index() / 64) {
            *word &= !(1 << (action.index() % 64));
        }
    }

    /// Whether the action is in the set.
    pub fn contains(&self, action: Action) -> bool {
        self.words
            .get(action.index() / 64)
            .is_some_and(|word| word & (1 << (action.index() % 64)) != 0)
    }

    /// Adds every action of `other`.
    pub fn union_with(&mut self, other: &ActionSet) {
        if other.words.is_empty() {
            return;
        }
        if self.words.is_empty() {
            self.words = other.words.clone();
            return;
        }
        for (word, other) in self.words.iter_mut().zip(other.words.iter()) {
            *word |= other;
        }
    }

    /// Removes every action of `other`.
    pub fn subtract(&mut self, other: &ActionSet) {
        for (word, other) in self.words.iter_mut().zip(other.words.iter()) {
            *word &= !other;
        }
    }

    /// Keeps only the actions also in `other`.
    pub fn intersect_with(&mut self, other: &ActionSet) {
        if other.words.is_empty() {
            self.words = Box::default();
            return;
        }
        for (word, other) in self.words.iter_mut().zip(other.words.iter()) {
            *word &= other;
        }
    }

    /// A new set of the actions in both (empty results hold no memory).
    pub fn intersection(&self, other: &ActionSet) -> ActionSet {
        if self.words.is_empty() || other.words.is_empty() {
            return ActionSet::new();
        }
        let mut out = ActionSet {
            words: self
                .words
                .iter()
                .zip(other.words.iter())
                .map(|(a, b)| a & b)
                .collect(),
        };
        out.shrink();
        out
    }

    /// Whether every action of `self` is in `other`.
    pub fn is_subset(&self, other: &ActionSet) -> bool {
        if other.words.is_empty() {
            return self.is_empty();
        }
        self.words
            .iter()
            .zip(other.words.iter())
            .all(|(word, other)| word & !other == 0)
    }

    /// The number of actions.
    pub fn len(&self) -> usize {
        self.words
            .iter()
            .map(|word| word.count_ones() as usize)
            .sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|word| *word == 0)
    }

    /// The actions, in reference order (service, then page order).
    pub fn iter(&self) -> impl Iterator<Item = Action> + '_ {
        self.words
            .iter()
            .enumerate()
            .flat_map(|(index, word)| {
                let mut bits = *word;
                std::iter::from_fn(move || {
                    if bits == 0 {
                        return None;
                    }
                    let bit = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    Some(index * 64 + bit)
                })
            })
            .filter_map(Action::from_index)
    }

    /// The actions sorted by `prefix:Name` in byte order, without building the names: small
    /// sets are sorted by a precomputed rank, large ones read off the global order.
    pub fn sorted(&self) -> Vec<Action> {
        self.sorted_iter().collect()
    }

    /// [`ActionSet::sorted`] as an iterator: a large set is read off the global order as it
    /// goes, without collecting it first.
    pub fn sorted_iter(&self) -> impl Iterator<Item = Action> + '_ {
        let (order, rank) = name_order();
        let small = (self.len() < 512).then(|| {
            let mut actions: Vec<Action> = self.iter().collect();
            actions.sort_unstable_by_key(|action| rank[action.index()]);
            actions
        });
        let large = small.is_none().then(|| {
            order
                .iter()
                .filter_map(|index| Action::from_index(*index as usize))
                .filter(|action| self.contains(*action))
        });
        small
            .into_iter()
            .flatten()
            .chain(large.into_iter().flatten())
    }

    /// The first `limit` actions in [`ActionSet::sorted`] order, stopping early.
    pub fn sorted_prefix(&self, limit: usize) -> Vec<Action> {
        self.sorted_iter().take(limit).collect()
    }

    /// The actions as `prefix:Name`, in documented case, sorted by byte order.
    pub fn sorted_names(&self) -> Vec<String> {
        self.sorted()
            .iter()
            .map(|action| action.to_string())
            .collect()
    }
}

impl FromIterator<Action> for ActionSet {
    fn from_iter<I: IntoIterator<Item = Action>>(iter: I) -> Self {
        let mut set = ActionSet::new();
        for action in iter {
            set.insert(action);
        }
        set
    }
}

impl Extend<Action> for ActionSet {
    fn extend<I: IntoIterator<Item = Action>>(&mut self, iter: I) {
        for action in iter {
            self.insert(action);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_holds_every_action_once() {
        let all = ActionSet::all();
        assert_eq!(all.len(), Action::count());
        assert_eq!(all.iter().count(), Action::count());
        assert!(all.iter().zip(Action::all()).all(|(a, b)| a == b));
    }

    #[test]
    fn sorted_orders_agree() {
        let all = ActionSet::all();
        let mut names: Vec<String> = all.iter().map(|a| a.to_string()).collect();
        names.sort_unstable();
        assert_eq!(all.sorted_names(), names);
        let small: ActionSet = all.iter().step_by(97).collect();
        let mut small_names: Vec<String> = small.iter().map(|a| a.to_string()).collect();
        small_names.sort_unstable();
        assert_eq!(small.sorted_names(), small_names);
        let first: Vec<String> = all.sorted_prefix(5).iter().map(|a| a.to_string()).collect();
        assert_eq!(first, names[..5]);
    }

    #[test]
    fn empty_sets_hold_no_memory_and_compare_equal() {
        let get = Action::find("s3:GetObject").unwrap();
        let mut a = ActionSet::new();
        assert!(a.words.is_empty());
        a.insert(get);
        a.remove(get);
        assert_eq!(a, ActionSet::new());
        let hash = |set: &ActionSet| {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            set.hash(&mut hasher);
            hasher.finish()
        };
        assert_eq!(hash(&a), hash(&ActionSet::new()));
        a.shrink();
        assert!(a.words.is_empty());
        let mut b = ActionSet::new();
        b.union_with(&ActionSet::all());
        assert_eq!(b, ActionSet::all());
        b.intersect_with(&ActionSet::new());
        assert!(b.is_empty());
        assert!(ActionSet::new().is_subset(&ActionSet::new()));
        assert!(!ActionSet::all().is_subset(&ActionSet::new()));
        let mut c = ActionSet::new();
        c.subtract(&ActionSet::all());
        assert!(c.is_empty() && !c.contains(get));
        assert!(
            ActionSet::all()
                .intersection(&ActionSet::new())
                .words
                .is_empty()
        );
    }

    #[test]
    fn set_algebra() {
        let get = Action::find("s3:GetObject").unwrap();
        let put = Action::find("s3:PutObject").unwrap();
        let mut a: ActionSet = [get, put].into_iter().collect();
        let b: ActionSet = [put].into_iter().collect();
        assert!(b.is_subset(&a));
        assert!(!a.is_subset(&b));
        assert_eq!(a.intersection(&b), b);
        a.subtract(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), [get]);
        a.remove(get);
        assert!(a.is_empty());
    }
}
