//! Deployment descriptors as the pipeline needs them: compose files,
//! Dockerfiles, env files, start scripts and supervisord programs, each a
//! format of its own over one document.

use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::properties::liferay_env::env_to_property;
use crate::formats::tree::{ConfigTree, TreeNode, value};
use crate::formats::{Claim, Document, Family, FileFormat, FilePath, ParseError, ParsedDocument};
use crate::secrets::is_secret_key;
use crate::source::TextRange;

use super::{DeploymentDocument, DescriptorKind, Launch};

/// A deployment descriptor format.
pub struct DeploymentFormat {
    name: &'static str,
    kind: DescriptorKind,
}

/// Docker Compose files.
pub static COMPOSE: DeploymentFormat = DeploymentFormat {
    name: "compose",
    kind: DescriptorKind::Compose,
};

/// Dockerfiles.
pub static DOCKERFILE: DeploymentFormat = DeploymentFormat {
    name: "dockerfile",
    kind: DescriptorKind::Dockerfile,
};

/// Environment files (`.env`, compose `env_file`).
pub static ENV_FILE: DeploymentFormat = DeploymentFormat {
    name: "env-file",
    kind: DescriptorKind::EnvFile,
};

/// Start scripts (`start.sh`, `docker-entrypoint.sh`).
pub static SHELL_SCRIPT: DeploymentFormat = DeploymentFormat {
    name: "shell-script",
    kind: DescriptorKind::Script,
};

/// supervisord's program list.
pub static SUPERVISOR: DeploymentFormat = DeploymentFormat {
    name: "supervisor",
    kind: DescriptorKind::Supervisor,
};

/// What starts csync2 as a service: `csync2*.service` systemd units and
/// the xinetd service `xinetd.d/csync2`.
pub static SERVICE_UNIT: DeploymentFormat = DeploymentFormat {
    name: "service-unit",
    kind: DescriptorKind::ServiceUnit,
};

impl FileFormat for DeploymentFormat {
    fn name(&self) -> &'static str {
        self.name
    }

    fn family(&self) -> Family {
        Family::Deployment
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(self.kind, text))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        let xinetd = self.kind == DescriptorKind::ServiceUnit
            && path.name == "csync2"
            && path.folders.last() == Some(&"xinetd.d");
        (xinetd || DescriptorKind::of_name(path.name) == Some(self.kind)).then_some(Claim::Name)
    }

    // A compose file of any name: a YAML file with compose's shape.
    fn sniffs(&self, name: &str) -> bool {
        self.kind == DescriptorKind::Compose && (name.ends_with(".yml") || name.ends_with(".yaml"))
    }

    fn sniff(&self, head: &[u8]) -> bool {
        super::looks_like_compose(&String::from_utf8_lossy(head))
    }
}

impl ParsedDocument for DeploymentDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn ranges(&self) -> Vec<TextRange> {
        self.launches
            .iter()
            .flat_map(|launch| super::texts(launch).map(|t| t.range))
            .collect()
    }

    fn tree(&self, _text: &str) -> ConfigTree {
        ConfigTree {
            entries: tree(self),
            flat: false,
        }
    }

    fn outline(&self, _text: &str, _guard: &Guard) -> Vec<Symbol> {
        outline(self)
    }

    fn secrets(&self, _text: &str) -> Vec<TextRange> {
        self.launches.iter().flat_map(launch_secrets).collect()
    }
}

/// A descriptor: `service[NAME]/environment/VAR` (or `environment/VAR`
/// for a Dockerfile, env file or script).
fn tree(doc: &DeploymentDocument) -> Vec<TreeNode> {
    let environment = |launch: &Launch| {
        let entries: Vec<TreeNode> = launch
            .env
            .iter()
            .map(|v| {
                let values = v.value.iter().map(|t| value(&t.value, t.range)).collect();
                let range = v
                    .value
                    .as_ref()
                    .map_or(v.name.range, |t| v.name.range.cover(t.range));
                TreeNode::leaf(&v.name.value, v.name.range, values, range)
            })
            .collect();
        let range = entries
            .iter()
            .map(|e| e.range)
            .reduce(TextRange::cover)
            .unwrap_or_default();
        TreeNode {
            name: "environment".to_string(),
            name_range: range,
            values: Vec::new(),
            children: entries,
            range,
        }
    };
    let mut out = Vec::new();
    for launch in &doc.launches {
        let env = environment(launch);
        match &launch.service {
            Some(service) => out.push(TreeNode {
                name: "service".to_string(),
                name_range: service.range,
                values: vec![value(&service.value, service.range)],
                range: service.range.cover(env.range),
                children: vec![env],
            }),
            None => out.push(env),
        }
    }
    out
}

/// A descriptor's services (or its one launch) with the names of the
/// variables they set; no value is shown.
fn outline(doc: &DeploymentDocument) -> Vec<Symbol> {
    let variables = |launch: &Launch| -> Vec<Symbol> {
        launch
            .env
            .iter()
            .map(|v| {
                let range = v
                    .value
                    .as_ref()
                    .map_or(v.name.range, |value| v.name.range.cover(value.range));
                Symbol::new(
                    SymbolKind::Variable,
                    &v.name.value,
                    "(variable)",
                    range,
                    v.name.range,
                )
            })
            .collect()
    };
    let mut out = Vec::new();
    for launch in &doc.launches {
        match &launch.service {
            Some(service) => {
                let children = variables(launch);
                let end = children
                    .iter()
                    .map(|c| c.range.end)
                    .max()
                    .unwrap_or(service.range.end);
                out.push(
                    Symbol::new(
                        SymbolKind::Section,
                        &service.value,
                        "(service)",
                        TextRange::new(service.range.start, end.max(service.range.end)),
                        service.range,
                    )
                    .with_children(children),
                );
            }
            None => out.extend(variables(launch)),
        }
    }
    out
}

/// The secret values a deployment descriptor's launch holds: variables
/// with a secret's name (or a `LIFERAY_*` name decoding to one), values
/// carrying `-Dname=value` options of secret names (`GATEWAY_OPTS`), and
/// the argument of a command-line option with a secret's name
/// (`--requirepass X`, `-Dkeystore.password=X`).
fn launch_secrets(launch: &Launch) -> Vec<TextRange> {
    let mut out = Vec::new();
    let secret_option = |word: &str| {
        let name = word.trim_start_matches('-');
        let name = name
            .strip_prefix('D')
            .filter(|_| word.starts_with("-D"))
            .unwrap_or(name);
        let name = name.split('=').next().unwrap_or(name);
        !name.is_empty() && is_secret_key(name)
    };
    for var in &launch.env {
        let Some(value) = &var.value else { continue };
        let name = &var.name.value;
        let decoded = env_to_property(name).unwrap_or_default();
        if is_secret_key(name)
            || is_secret_key(&decoded)
            || value
                .value
                .split_whitespace()
                .any(|w| w.starts_with('-') && secret_option(w))
        {
            out.push(value.range);
        }
    }
    for command in &launch.commands {
        for (name, value) in &command.assignments {
            if is_secret_key(&name.value) {
                out.push(value.range);
            }
        }
        let mut after_secret_option = false;
        for word in &command.words {
            if after_secret_option
                || (word.value.contains('=')
                    && word.value.starts_with('-')
                    && secret_option(&word.value))
            {
                out.push(word.range);
            }
            after_secret_option = word.value.starts_with("--")
                && !word.value.contains('=')
                && secret_option(&word.value);
        }
    }
    out
}
