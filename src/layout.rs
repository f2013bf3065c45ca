//! Where a node's files begin, read from the paths of its configuration
//! files alone: the folder that stands for a machine's `/` (a *rooted*
//! node: `gluu1/etc/nginx/nginx.conf`) or for a product's home (a *flat*
//! node: `member1/conf/gateway-config.xml`, `app1/osgi/configs/x.config`).
//! Cluster roots are found from these homes (`roots.rs`), and discovery
//! uses them to tell a node folder from a cluster folder (`discover.rs`).
//!
//! Everything here works on `/`-separated paths, so it applies alike to a
//! folder on disk and to files held in memory.

/// Top folders of a file system: a node folder holding one of them mirrors
/// the machine's `/`.
pub const ROOT_FOLDERS: &[&str] = &[
    "etc", "usr", "opt", "var", "srv", "home", "root", "run", "mnt",
];

/// Folders of deployment tooling, not machines: their files are inputs to
/// a deployment (Ansible roles and inventories, build output), never a
/// node's files as deployed.
const TOOLING_FOLDERS: &[&str] = &[
    "roles",
    "group_vars",
    "host_vars",
    "inventory",
    "inventories",
    "playbooks",
    "molecule",
    // Inputs a tool renders into deployments: Puppet and Chef templates,
    // project archetypes.
    "templates",
    "archetypes",
];

/// Folders of build output: what a build writes, not a node as deployed.
const BUILD_OUTPUT_FOLDERS: &[&str] = &["node_modules", "target", "build", "dist", "bundles"];

/// Whether a folder of this name holds no node: a deployment folder
/// (`_deploy`, any name starting with `_`) or deployment tooling.
#[must_use]
pub fn is_non_node_folder(name: &str) -> bool {
    name.starts_with('_') || TOOLING_FOLDERS.contains(&name) || is_build_output(name)
}

/// Whether a folder of `path` (not its file name) is tooling, templates
/// or build output: its compose files deploy nothing as they are (unlike
/// those of a `_deploy/` folder).
#[must_use]
pub fn in_tooling_folder(path: &str) -> bool {
    path.split('/')
        .rev()
        .skip(1)
        .any(|f| is_non_node_folder(f) && !f.starts_with('_'))
}

/// Whether a folder of this name is build output (`target`, `dist`, ...).
#[must_use]
pub fn is_build_output(name: &str) -> bool {
    BUILD_OUTPUT_FOLDERS.contains(&name)
}

/// Whether any folder of `path` (not its file name) holds no node.
#[must_use]
pub fn in_non_node_folder(path: &str) -> bool {
    let mut folders = path.split('/');
    folders.next_back();
    folders.any(is_non_node_folder)
}

/// The folder of a Tomcat installation (`tomcat`, `tomcat-9.0.56`,
/// `apache-tomcat-8.5`): Liferay's home is the folder above it.
#[must_use]
pub fn is_tomcat_folder(name: &str) -> bool {
    name == "tomcat" || name.starts_with("tomcat-") || name.starts_with("apache-tomcat")
}

/// Environments of a Liferay Workspace: its `configs/<environment>/`
/// folders. `common` is laid under every other one.
pub const WORKSPACE_COMMON: &str = "common";

/// The folder that holds a Liferay Workspace's environments.
pub const WORKSPACE_CONFIGS: &str = "configs";

/// Files whose presence beside `configs/` marks a Liferay Workspace (the
/// Gradle or Maven project that copies the environments into a bundle).
pub const WORKSPACE_MARKERS: &[&str] = &[
    "gradle.properties",
    "settings.gradle",
    "build.gradle",
    "pom.xml",
];

/// For a path inside a Liferay Workspace rooted at `workspace` (a cluster
/// path, `""` for the top): the environment folder it lies in.
#[must_use]
pub fn workspace_environment<'a>(workspace: &str, path: &'a str) -> Option<&'a str> {
    let inside = if workspace.is_empty() {
        path
    } else {
        path.strip_prefix(workspace)?.strip_prefix('/')?
    };
    let rest = inside.strip_prefix(WORKSPACE_CONFIGS)?.strip_prefix('/')?;
    let (environment, file) = rest.split_once('/')?;
    (!file.is_empty()).then_some(environment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_folders_hold_no_nodes() {
        assert!(in_non_node_folder("_deploy/site-a/docker-compose.yml"));
        assert!(in_non_node_folder("c/_deploy/env/hosts"));
        assert!(in_non_node_folder("roles/nginx/files/nginx.conf"));
        assert!(!in_non_node_folder("app1/portal-ext.properties"));
        assert!(!in_non_node_folder("_notes.conf"));
    }

    #[test]
    fn workspace_environments() {
        assert_eq!(
            workspace_environment("", "configs/prod/portal-ext.properties"),
            Some("prod")
        );
        assert_eq!(
            workspace_environment("ws", "ws/configs/common/osgi/configs/a.config"),
            Some("common")
        );
        assert_eq!(workspace_environment("", "configs/prod"), None);
        assert_eq!(workspace_environment("ws", "other/configs/x/y"), None);
    }
}
