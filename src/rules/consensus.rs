//! Cross-node comparisons, grouped by value (hash), never all pairs.
//!
//! Where a value must agree across nodes, the value most nodes hold is the
//! reference; a tie goes to the group with the staging server, then to the
//! group with the first node by name. Where a value must be unique, the node
//! later by name is flagged.

use rustc_hash::FxHashMap as HashMap;
use std::hash::Hash;

use crate::model::{Cluster, NodeId, Role};

/// The outcome of [`agree`]: indexes into the compared slice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agreement {
    /// The entries holding the reference value, by node name.
    pub reference: Vec<usize>,
    /// The entries that differ from it, by node name.
    pub outliers: Vec<usize>,
}

impl Agreement {
    /// The reference entry to point at: the staging server's if it holds
    /// the reference value, else the first by name.
    #[must_use]
    pub fn representative<K>(&self, cluster: &Cluster, values: &[(NodeId, K)]) -> usize {
        self.reference
            .iter()
            .copied()
            .find(|&i| cluster.node(values[i].0).has_role(Role::Staging))
            .unwrap_or(self.reference[0])
    }
}

/// Groups `values` by key and picks the reference group. `None` when all
/// agree.
pub fn agree<K: Eq + Hash>(cluster: &Cluster, values: &[(NodeId, K)]) -> Option<Agreement> {
    let mut groups: HashMap<&K, Vec<usize>> = HashMap::default();
    for (index, (_, key)) in values.iter().enumerate() {
        groups.entry(key).or_default().push(index);
    }
    if groups.len() < 2 {
        return None;
    }
    let has_staging = |group: &[usize]| {
        group
            .iter()
            .any(|&i| cluster.node(values[i].0).has_role(Role::Staging))
    };
    let first_node = |group: &[usize]| group.iter().map(|&i| values[i].0).min();
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    // Most members first, then the staging server's group, then the group
    // holding the first node by name (node ids follow names).
    groups.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then_with(|| has_staging(b).cmp(&has_staging(a)))
            .then_with(|| first_node(a).cmp(&first_node(b)))
    });
    let mut reference = groups.remove(0);
    reference.sort_by_key(|&i| values[i].0);
    let mut outliers: Vec<usize> = groups.into_iter().flatten().collect();
    outliers.sort_by_key(|&i| values[i].0);
    Some(Agreement {
        reference,
        outliers,
    })
}

/// For values that must be unique: `(later, earlier)` index pairs, the later
/// node by name paired with the first node holding the same value.
pub fn duplicates<K: Eq + Hash>(values: &[(NodeId, K)]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by_key(|&i| values[i].0);
    let mut first: HashMap<&K, usize> = HashMap::default();
    let mut out = Vec::new();
    for i in order {
        match first.get(&values[i].1) {
            Some(&earlier) => out.push((i, earlier)),
            None => {
                first.insert(&values[i].1, i);
            }
        }
    }
    out
}

/// For values within one node (the servers of one upstream): the indexes
/// holding the most common value, and the others. A tie goes to the value
/// seen first. `None` when all agree.
pub fn majority<K: Eq + Hash>(values: &[K]) -> Option<Agreement> {
    let mut groups: Vec<(&K, Vec<usize>)> = Vec::new();
    let mut index: HashMap<&K, usize> = HashMap::default();
    for (i, value) in values.iter().enumerate() {
        if let Some(&g) = index.get(value) {
            groups[g].1.push(i);
        } else {
            index.insert(value, groups.len());
            groups.push((value, vec![i]));
        }
    }
    if groups.len() < 2 {
        return None;
    }
    // Stable: among equal sizes, the first seen stays first.
    groups.sort_by_key(|g| std::cmp::Reverse(g.1.len()));
    let mut groups = groups.into_iter().map(|(_, members)| members);
    let reference = groups.next().unwrap_or_default();
    let mut outliers: Vec<usize> = groups.flatten().collect();
    outliers.sort_unstable();
    Some(Agreement {
        reference,
        outliers,
    })
}

/// `a`, `b` and `c` (at most five names, then "and N more").
#[must_use]
pub fn node_list(cluster: &Cluster, nodes: impl IntoIterator<Item = NodeId>) -> String {
    let names: Vec<String> = nodes
        .into_iter()
        .map(|n| format!("`{}`", cluster.node(n).name))
        .collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        n if n <= 5 => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
        n => format!("{} and {} more", names[..4].join(", "), n - 4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, RoleSource};

    fn cluster(names: &[(&str, Option<Role>)]) -> Cluster {
        let mut cluster = Cluster::default();
        for (i, (name, role)) in names.iter().enumerate() {
            cluster.nodes.push(Node {
                id: NodeId(i as u32),
                name: (*name).to_string(),
                roles: role.iter().map(|r| (*r, RoleSource::Inferred)).collect(),
                addresses: Vec::new(),
                hostname: None,
                files: Vec::new(),
                layers: vec![(*name).to_string()],
                mounts: Vec::new(),
                aliases: Vec::new(),
                manifest_span: None,
            });
        }
        cluster
    }

    #[test]
    fn majority_wins() {
        let c = cluster(&[("a", None), ("b", None), ("c", None)]);
        let values = [(NodeId(0), 1), (NodeId(1), 2), (NodeId(2), 2)];
        let a = agree(&c, &values).unwrap();
        assert_eq!(a.reference, [1, 2]);
        assert_eq!(a.outliers, [0]);
        assert!(agree(&c, &[(NodeId(0), 1), (NodeId(1), 1)]).is_none());
    }

    #[test]
    fn tie_goes_to_staging_then_first_name() {
        let c = cluster(&[("app1", Some(Role::Live)), ("staging", Some(Role::Staging))]);
        let a = agree(&c, &[(NodeId(0), "x"), (NodeId(1), "y")]).unwrap();
        assert_eq!(a.reference, [1]);
        let c = cluster(&[("app1", None), ("app2", None)]);
        let a = agree(&c, &[(NodeId(1), "y"), (NodeId(0), "x")]).unwrap();
        assert_eq!(a.reference, [1]);
    }

    #[test]
    fn majority_within_a_node() {
        let a = majority(&["x", "y", "y", "z"]).unwrap();
        assert_eq!(a.reference, [1, 2]);
        assert_eq!(a.outliers, [0, 3]);
        assert_eq!(majority(&["x", "y"]).unwrap().reference, [0]);
        assert!(majority(&["x", "x"]).is_none());
    }

    #[test]
    fn later_duplicate_is_flagged() {
        assert_eq!(
            duplicates(&[(NodeId(2), 7), (NodeId(0), 7), (NodeId(1), 8)]),
            [(0, 1)]
        );
    }
}
