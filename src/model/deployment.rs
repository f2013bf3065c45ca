//! Which node each deployment descriptor starts, and with what: the
//! environment (a compose service's `environment` over its `env_file`s over
//! its image's `ENV`), the command lines, and the names the node answers
//! to. A compose service starts the node named like it (service name,
//! `container_name` or `hostname`) or whose folder it mounts or builds
//! from; a Dockerfile or script in a node's folder is that node's; in a
//! Liferay Workspace, the Liferay containers run its `docker` environment.

use crate::formats::Format;
use crate::formats::deploy::shell::ShellCommand;
use crate::formats::deploy::{EnvVar, Launch, Text};
use crate::model::{Cluster, NodeId};
use crate::source::{FileId, Span};

/// What starts one node.
#[derive(Clone, Debug)]
pub struct NodeLaunch {
    pub node: NodeId,
    /// The descriptor, and the launch's index in it.
    pub file: FileId,
    pub index: usize,
    /// Variables in the order they apply (a later one wins), each with the
    /// file it is written in.
    pub env: Vec<(FileId, EnvVar)>,
    pub commands: Vec<(FileId, ShellCommand)>,
    /// The image it runs, if a descriptor says.
    pub image: Option<(FileId, Text)>,
}

impl NodeLaunch {
    /// The value a variable has in the started process.
    #[must_use]
    pub fn var(&self, name: &str) -> Option<(FileId, &EnvVar)> {
        self.env
            .iter()
            .rev()
            .find(|(_, v)| v.name.value == name)
            .map(|(f, v)| (*f, v))
    }

    /// How `--show-settings` names it.
    #[must_use]
    pub fn describe(&self, cluster: &Cluster) -> String {
        let path = &cluster.source(self.file).path;
        let launch = cluster
            .file(self.file)
            .document
            .get::<crate::formats::deploy::DeploymentDocument>()
            .and_then(|d| d.launches.get(self.index));
        let mut out = match launch.and_then(|l| l.service.as_ref()) {
            Some(service) => format!("service `{}` of {path}", service.value),
            None => path.clone(),
        };
        if !self.env.is_empty() {
            let mut names: Vec<&str> = self
                .env
                .iter()
                .map(|(_, v)| v.name.value.as_str())
                .collect();
            names.sort_unstable();
            names.dedup();
            out.push_str(" (environment: ");
            out.push_str(&names.join(", "));
            out.push(')');
        }
        out
    }
}

/// Every node's launches.
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    pub launches: Vec<NodeLaunch>,
    /// The deployment descriptors among the cluster's files.
    pub files: Vec<FileId>,
    /// Every name a compose service answers to on its networks (service
    /// name, container name, host name, aliases, links), lower case,
    /// whether or not the service is a node of the cluster.
    pub service_names: std::collections::HashSet<String>,
}

impl Deployment {
    /// The launches of `node`.
    pub fn of(&self, node: NodeId) -> impl Iterator<Item = &NodeLaunch> {
        self.launches.iter().filter(move |l| l.node == node)
    }

    /// A variable's value on `node` (the last launch that sets it).
    #[must_use]
    pub fn var(&self, node: NodeId, name: &str) -> Option<(FileId, &EnvVar)> {
        self.of(node).filter_map(|l| l.var(name)).last()
    }

    /// Every variable set on `node`, each once (the value that wins).
    #[must_use]
    pub fn vars(&self, node: NodeId) -> Vec<(FileId, &EnvVar)> {
        let mut out: Vec<(FileId, &EnvVar)> = Vec::new();
        for launch in self.of(node) {
            for (file, var) in &launch.env {
                out.retain(|(_, v)| v.name.value != var.name.value);
                out.push((*file, var));
            }
        }
        out
    }

    /// Whether some compose service of the cluster answers to `name`.
    #[must_use]
    pub fn is_service_name(&self, name: &str) -> bool {
        self.service_names.contains(&name.to_ascii_lowercase())
    }

    /// Every command line run on `node`.
    pub fn commands(&self, node: NodeId) -> impl Iterator<Item = (FileId, &ShellCommand)> {
        self.of(node)
            .flat_map(|l| l.commands.iter().map(|(f, c)| (*f, c)))
    }
}

/// The names a node answers to besides its own, from the descriptors.
#[must_use]
pub fn aliases(cluster: &Cluster, node: NodeId) -> Vec<String> {
    let mut out = Vec::new();
    for launch in cluster.deployment.of(node) {
        let Some(l) = launch_of(cluster, launch.file, launch.index) else {
            continue;
        };
        out.extend(l.service.iter().map(|t| t.value.clone()));
        out.extend(l.container_name.iter().map(|t| t.value.clone()));
        out.extend(l.hostname.iter().map(|t| t.value.clone()));
        out.extend(l.aliases.iter().map(|t| t.value.clone()));
    }
    // `links: [service:alias]` on any service names the linked service.
    for &file in &cluster.deployment.files {
        let Some(doc) = cluster
            .file(file)
            .document
            .get::<crate::formats::deploy::DeploymentDocument>()
        else {
            continue;
        };
        for l in &doc.launches {
            for (target, alias) in &l.links {
                let Some(alias) = alias else { continue };
                let linked = cluster
                    .deployment
                    .of(node)
                    .filter(|nl| nl.file == file)
                    .filter_map(|nl| launch_of(cluster, nl.file, nl.index))
                    .any(|own| {
                        own.service
                            .as_ref()
                            .is_some_and(|s| s.value == target.value)
                    });
                if linked {
                    out.push(alias.value.clone());
                }
            }
        }
    }
    let own = cluster.node(node).name.to_ascii_lowercase();
    out.retain(|a| a.to_ascii_lowercase() != own && !a.contains("${"));
    out.sort();
    out.dedup();
    out
}

fn launch_of(cluster: &Cluster, file: FileId, index: usize) -> Option<&Launch> {
    cluster
        .file(file)
        .document
        .get::<crate::formats::deploy::DeploymentDocument>()?
        .launches
        .get(index)
}

fn deployment_files(cluster: &Cluster) -> Vec<FileId> {
    (0..cluster.files.len())
        .map(|i| FileId(i as u32))
        .filter(|&f| cluster.file(f).format.is_some_and(Format::is_deployment))
        .collect()
}

/// Builds the launches of every node.
#[must_use]
pub fn build(cluster: &Cluster) -> Deployment {
    let files = deployment_files(cluster);
    let mut launches = Vec::new();
    let mut service_names = std::collections::HashSet::new();
    let workspace_docker = workspace_docker_node(cluster);
    for &file in &files {
        let Some(doc) = cluster
            .file(file)
            .document
            .get::<crate::formats::deploy::DeploymentDocument>()
        else {
            continue;
        };
        let path = &cluster.source(file).path;
        let folder = crate::includes::parent(path);
        let owner = cluster.file(file).node;
        for (index, launch) in doc.launches.iter().enumerate() {
            if doc.kind == crate::formats::deploy::DescriptorKind::Compose {
                let names = crate::formats::deploy::network_names(launch);
                service_names.extend(
                    names
                        .filter(|n| !n.value.contains('$'))
                        .map(|n| n.value.to_ascii_lowercase()),
                );
            }
            let nodes: Vec<NodeId> = match doc.kind {
                crate::formats::deploy::DescriptorKind::Compose => {
                    let mut nodes = service_nodes(cluster, folder, launch);
                    if nodes.is_empty()
                        && let Some(docker) = workspace_docker
                        && runs_liferay(cluster, folder, launch, &files)
                    {
                        nodes.push(docker);
                    }
                    nodes
                }
                crate::formats::deploy::DescriptorKind::Dockerfile => {
                    if let Some(node) = owner {
                        vec![node]
                    } else {
                        // Built by a compose service: applied there. A
                        // Liferay image of a workspace runs its `docker`
                        // environment.
                        let built = files.iter().any(|&f| builds(cluster, f, path));
                        let liferay = launch
                            .image
                            .as_ref()
                            .is_some_and(|i| is_liferay_image(&i.value));
                        workspace_docker
                            .filter(|_| !built && liferay)
                            .into_iter()
                            .collect()
                    }
                }
                crate::formats::deploy::DescriptorKind::Script
                | crate::formats::deploy::DescriptorKind::Supervisor
                | crate::formats::deploy::DescriptorKind::ServiceUnit => {
                    owner.into_iter().collect()
                }
                crate::formats::deploy::DescriptorKind::EnvFile => Vec::new(),
            };
            for node in nodes {
                let mut env: Vec<(FileId, EnvVar)> = Vec::new();
                let mut image = launch.image.clone().map(|i| (file, i));
                if doc.kind == crate::formats::deploy::DescriptorKind::Compose {
                    // The image's own environment, then env files, then the
                    // service's `environment`.
                    if let Some(dockerfile) = built_dockerfile(cluster, folder, launch, &files)
                        && let Some(built) = launch_of(cluster, dockerfile, 0)
                    {
                        env.extend(built.env.iter().map(|v| (dockerfile, v.clone())));
                        if image.is_none() {
                            image = built.image.clone().map(|i| (dockerfile, i));
                        }
                    }
                    for env_file in &launch.env_files {
                        let wanted = join(folder, &env_file.value);
                        if let Some(&f) = files.iter().find(|&&f| cluster.source(f).path == wanted)
                            && let Some(l) = launch_of(cluster, f, 0)
                        {
                            env.extend(l.env.iter().map(|v| (f, v.clone())));
                        }
                    }
                }
                env.extend(
                    launch
                        .env
                        .iter()
                        .filter(|v| v.value.is_some())
                        .map(|v| (file, v.clone())),
                );
                launches.push(NodeLaunch {
                    node,
                    file,
                    index,
                    env,
                    commands: launch.commands.iter().map(|c| (file, c.clone())).collect(),
                    image,
                });
            }
        }
    }
    Deployment {
        launches,
        files,
        service_names,
    }
}

/// The nodes a compose service starts: named like it, or whose folder it
/// mounts or is built from.
fn service_nodes(cluster: &Cluster, folder: &str, launch: &Launch) -> Vec<NodeId> {
    let names: Vec<String> = launch
        .service
        .iter()
        .chain(&launch.container_name)
        .chain(&launch.hostname)
        .map(|t| t.value.to_ascii_lowercase())
        .collect();
    let mut out: Vec<NodeId> = cluster
        .nodes
        .iter()
        .filter(|n| names.contains(&n.name.to_ascii_lowercase()))
        .map(|n| n.id)
        .collect();
    if out.is_empty() {
        let sources = launch
            .mounts
            .iter()
            .map(|m| &m.source)
            .chain(launch.build.iter().map(|(context, _)| context))
            .filter(|s| s.value.starts_with('.') || s.value.contains('/'))
            .map(|s| join(folder, &s.value));
        for source in sources {
            for node in &cluster.nodes {
                let inside = node.layers.iter().any(|l| {
                    !l.is_empty() && (source == *l || source.starts_with(&format!("{l}/")))
                }) || node.files.iter().any(|&f| cluster.source(f).path == source);
                if inside && !out.contains(&node.id) {
                    out.push(node.id);
                }
            }
        }
    }
    out
}

/// The Dockerfile a compose service is built from, among the cluster's.
fn built_dockerfile(
    cluster: &Cluster,
    folder: &str,
    launch: &Launch,
    files: &[FileId],
) -> Option<FileId> {
    let (context, dockerfile) = launch.build.as_ref()?;
    let context = join(folder, &context.value);
    let name = dockerfile
        .as_ref()
        .map_or("Dockerfile", |d| d.value.as_str());
    let wanted = join(&context, name);
    files
        .iter()
        .copied()
        .find(|&f| cluster.source(f).path == wanted)
}

/// Whether compose file `compose` builds the Dockerfile at `path`.
fn builds(cluster: &Cluster, compose: FileId, path: &str) -> bool {
    let Some(doc) = cluster
        .file(compose)
        .document
        .get::<crate::formats::deploy::DeploymentDocument>()
    else {
        return false;
    };
    let folder = crate::includes::parent(&cluster.source(compose).path);
    doc.launches.iter().any(|l| {
        l.build.as_ref().is_some_and(|(context, dockerfile)| {
            let name = dockerfile
                .as_ref()
                .map_or("Dockerfile", |d| d.value.as_str());
            join(&join(folder, &context.value), name) == path
        })
    })
}

/// Whether a compose service runs a Liferay image (its own, or the one its
/// Dockerfile starts from).
fn runs_liferay(cluster: &Cluster, folder: &str, launch: &Launch, files: &[FileId]) -> bool {
    launch
        .image
        .as_ref()
        .is_some_and(|i| is_liferay_image(&i.value))
        || built_dockerfile(cluster, folder, launch, files)
            .and_then(|f| launch_of(cluster, f, 0))
            .and_then(|l| l.image.as_ref())
            .is_some_and(|i| is_liferay_image(&i.value))
}

/// `liferay/portal:7.4.3.112-ga112`, `liferay/dxp:2024.q1.1`, and images
/// derived from them by name.
#[must_use]
pub fn is_liferay_image(image: &str) -> bool {
    let image = image.to_ascii_lowercase();
    let name = image.rsplit_once('/').map_or(image.as_str(), |(_, n)| n);
    image.starts_with("liferay/") || name.starts_with("liferay") || name.starts_with("dxp")
}

/// The node of a Liferay Workspace's `docker` environment, when the
/// cluster is that environment.
fn workspace_docker_node(cluster: &Cluster) -> Option<NodeId> {
    match cluster.nodes.as_slice() {
        [node]
            if node.name == "docker"
                && node.layers.first().is_some_and(|l| {
                    l.starts_with(&format!("{}/", crate::layout::WORKSPACE_CONFIGS))
                }) =>
        {
            Some(node.id)
        }
        _ => None,
    }
}

/// `folder/relative`, `.` and `..` resolved (at the root, `..` is dropped).
fn join(folder: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Where a variable's value is written, for findings.
#[must_use]
pub fn value_span(file: FileId, var: &EnvVar) -> Span {
    Span::new(file, var.value.as_ref().map_or(var.name.range, |v| v.range))
}
