//! What a node does in the cluster.

use std::fmt;

/// A node's role; rules ask for nodes by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// The Liferay staging server that publishes to the live nodes.
    Staging,
    /// A Liferay node of the live cluster.
    Live,
    /// A load balancer (nginx).
    Balancer,
    /// A Gluu server of a multi-master cluster.
    Gluu,
    /// The Redis cache server.
    Redis,
    /// A KAAZING gateway in the DMZ.
    DmzGateway,
    /// A KAAZING gateway on the trusted network.
    InternalGateway,
}

impl Role {
    pub const ALL: [Self; 7] = [
        Self::Staging,
        Self::Live,
        Self::Balancer,
        Self::Gluu,
        Self::Redis,
        Self::DmzGateway,
        Self::InternalGateway,
    ];

    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Staging => "staging",
            Self::Live => "live",
            Self::Balancer => "balancer",
            Self::Gluu => "gluu",
            Self::Redis => "redis",
            Self::DmzGateway => "dmz-gateway",
            Self::InternalGateway => "internal-gateway",
        }
    }

    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
