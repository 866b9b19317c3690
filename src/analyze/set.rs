//! [`ActionSet`]: a set of actions of the embedded reference over their dense indices, as a
//! compressed bitmap ([`roaring`]): a policy's few dozen actions take a sorted array of
//! 16-bit indices, `*` a bitmap. An account audit keeps several sets per document and per
//! principal, so a set's size decides how much fresh memory the audit touches (page faults
//! that do not scale across threads); unions, differences and intersections stay fast.
//! This module knows nothing of policies or risk.

use roaring::RoaringBitmap;

use crate::data::Action;

/// A set of [`Action`]s.
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
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ActionSet {
    indices: RoaringBitmap,
}

impl std::hash::Hash for ActionSet {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for index in &self.indices {
            index.hash(state);
        }
        self.indices.len().hash(state);
    }
}

impl std::fmt::Debug for ActionSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl ActionSet {
    /// The empty set.
    pub fn new() -> ActionSet {
        ActionSet::default()
    }

    /// Every action of the reference.
    pub fn all() -> ActionSet {
        let mut indices = RoaringBitmap::new();
        indices.insert_range(0..Action::count() as u32);
        ActionSet { indices }
    }

    /// Adds an action; true when it was not there yet.
    pub fn insert(&mut self, action: Action) -> bool {
        let index = action.index() as u32;
        // Appending past the largest index is cheaper than a search, and sets are mostly
        // built in reference order.
        self.indices.try_push(index).is_ok() || self.indices.insert(index)
    }

    /// Removes an action.
    pub fn remove(&mut self, action: Action) {
        self.indices.remove(action.index() as u32);
    }

    /// Whether the action is in the set.
    pub fn contains(&self, action: Action) -> bool {
        self.indices.contains(action.index() as u32)
    }

    /// Adds every action of `other`.
    pub fn union_with(&mut self, other: &ActionSet) {
        self.indices |= &other.indices;
    }

    /// Removes every action of `other`.
    pub fn subtract(&mut self, other: &ActionSet) {
        self.indices -= &other.indices;
    }

    /// Keeps only the actions also in `other`.
    pub fn intersect_with(&mut self, other: &ActionSet) {
        self.indices &= &other.indices;
    }

    /// A new set of the actions in both.
    pub fn intersection(&self, other: &ActionSet) -> ActionSet {
        ActionSet {
            indices: &self.indices & &other.indices,
        }
    }

    /// Whether every action of `self` is in `other`.
    pub fn is_subset(&self, other: &ActionSet) -> bool {
        // A few lookups beat roaring's merge, which walks all of a large `other`: risk rules
        // test sets of one to four actions against a policy's thousands.
        if self.indices.len() <= 16 {
            self.indices
                .iter()
                .all(|index| other.indices.contains(index))
        } else {
            self.indices.is_subset(&other.indices)
        }
    }

    /// Whether the two sets have no action in common.
    pub fn is_disjoint(&self, other: &ActionSet) -> bool {
        self.indices.is_disjoint(&other.indices)
    }

    /// The number of actions.
    pub fn len(&self) -> usize {
        self.indices.len() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// The actions, in reference order (service, then page order).
    pub fn iter(&self) -> impl Iterator<Item = Action> + '_ {
        self.indices
            .iter()
            .filter_map(|index| Action::from_index(index as usize))
    }

    /// The actions sorted by `prefix:Name` in byte order, without building the names: small
    /// sets are sorted by their name rank, large ones read off the name order (both computed by
    /// the build).
    pub fn sorted(&self) -> Vec<Action> {
        self.sorted_iter().collect()
    }

    /// [`ActionSet::sorted`] as an iterator: a large set is read off the global order as it
    /// goes, without collecting it first.
    pub fn sorted_iter(&self) -> impl Iterator<Item = Action> + '_ {
        let small = (self.len() < 512).then(|| {
            let mut actions: Vec<Action> = self.iter().collect();
            actions.sort_unstable_by_key(|action| action.name_rank());
            actions
        });
        let large = small
            .is_none()
            .then(|| Action::all_by_name().filter(|action| self.contains(*action)));
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
    fn empty_sets_compare_equal() {
        let get = Action::find("s3:GetObject").unwrap();
        let mut a = ActionSet::new();
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
        assert!(ActionSet::all().intersection(&ActionSet::new()).is_empty());
        assert!(ActionSet::new().is_disjoint(&ActionSet::all()));
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

    mod model {
        //! Every operation agrees with a `BTreeSet` of action indices, on sets from empty to
        //! every action (the sizes where the compressed representation changes form).
        use super::*;
        use proptest::prelude::*;
        use std::collections::BTreeSet;

        fn indices() -> impl Strategy<Value = BTreeSet<usize>> {
            let count = Action::count();
            prop_oneof![
                proptest::collection::btree_set(0..count, 0..40),
                proptest::collection::btree_set(0..count, 3_000..6_000),
                // Dense: everything but a few.
                proptest::collection::btree_set(0..count, 0..40).prop_map(move |holes| {
                    (0..count).filter(|index| !holes.contains(index)).collect()
                }),
            ]
        }

        fn set(indices: &BTreeSet<usize>) -> ActionSet {
            indices
                .iter()
                .map(|index| Action::from_index(*index).unwrap())
                .collect()
        }

        fn model(set: &ActionSet) -> BTreeSet<usize> {
            set.iter().map(Action::index).collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            #[test]
            fn operations_match_a_btree_set(a in indices(), b in indices(), probe in 0..17_000usize) {
                let (x, y) = (set(&a), set(&b));
                prop_assert_eq!(model(&x), a.clone());
                prop_assert_eq!(x.len(), a.len());
                prop_assert_eq!(x.is_empty(), a.is_empty());
                let mut union = x.clone();
                union.union_with(&y);
                prop_assert_eq!(model(&union), a.union(&b).copied().collect::<BTreeSet<_>>());
                let mut difference = x.clone();
                difference.subtract(&y);
                prop_assert_eq!(model(&difference), a.difference(&b).copied().collect::<BTreeSet<_>>());
                let both: BTreeSet<usize> = a.intersection(&b).copied().collect();
                prop_assert_eq!(model(&x.intersection(&y)), both.clone());
                let mut intersected = x.clone();
                intersected.intersect_with(&y);
                prop_assert_eq!(model(&intersected), both.clone());
                prop_assert_eq!(x.is_subset(&y), a.is_subset(&b));
                prop_assert_eq!(x.is_disjoint(&y), a.is_disjoint(&b));
                // The small-set path of is_subset, against large and small sets.
                let few: BTreeSet<usize> = a.iter().take(5).copied().collect();
                prop_assert_eq!(set(&few).is_subset(&y), few.is_subset(&b));
                prop_assert_eq!(x == y, a == b);
                let probe = Action::from_index(probe % Action::count()).unwrap();
                prop_assert_eq!(x.contains(probe), a.contains(&probe.index()));
                let mut changed = x.clone();
                prop_assert_eq!(changed.insert(probe), !a.contains(&probe.index()));
                changed.remove(probe);
                prop_assert!(!changed.contains(probe));
            }
        }
    }
}
