use crate::diagnostic::Diagnostic;
use crate::formats::Format;
use crate::model::liferay::liferay_bool;
use crate::rules::{RuleContext, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Warns about a `.cfg` file under `osgi/configs` on a node whose portal
    /// properties do not set `module.framework.file.install.cfg.enabled=true`.
    ///
    /// ## Version
    /// Only where the portal is Liferay 7.4 or later (a quarterly release
    /// included). The version is `[liferay] version` in clusterlint.toml,
    /// else what the files tell: a Liferay Workspace's
    /// `liferay.workspace.product`, `.docker.image.liferay` or
    /// `.bundle.url`, the Liferay image a compose service or Dockerfile
    /// runs, a bundle folder such as `liferay-ce-portal-7.0-ga4/`. Where
    /// nothing tells, 7.4 or later is assumed and the message says so.
    ///
    /// ## Why is this bad?
    /// Liferay 7.4 and later read only `.config` files by default: a `.cfg`
    /// file is skipped with "Unable to install .cfg file ..., please use
    /// .config file instead", so its settings never take effect. Liferay
    /// 7.0 to 7.3 still read `.cfg` files (their Felix File Install reads
    /// both formats), so there the file is fine.
    ///
    /// ## Example
    /// ```text
    /// osgi/configs/com.liferay.portal.search.elasticsearch7.configuration.ElasticsearchConfiguration.cfg
    /// ```
    ///
    /// ## How to fix
    /// Rename the file to `.config` and quote its values (`key="value"`), or
    /// set `module.framework.file.install.cfg.enabled=true`.
    id: "liferay/osgi-cfg-ignored",
    severity: Warning,
    check: Some(check),
}

const CFG_ENABLED: &str = "module.framework.file.install.cfg.enabled";

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    if cluster.versions.liferay_reads_cfg() {
        return;
    }
    let version = cluster.versions.liferay.as_ref().map_or_else(
        || {
            " (the Liferay version is not known: 7.4 or later is assumed; say `[liferay] version` in clusterlint.toml)"
                .to_string()
        },
        |g| format!(" (Liferay {} here, from {})", g.value, g.source),
    );
    for node in &cluster.nodes {
        let Some(liferay) = cluster.liferay.node(node.id) else {
            continue;
        };
        if liferay
            .property(CFG_ENABLED)
            .is_some_and(|p| liferay_bool(&p.value))
        {
            continue;
        }
        for config in &liferay.configs {
            if cluster.file(config.file).format != Some(Format::OSGI_CFG) {
                continue;
            }
            let path = &cluster.source(config.file).path;
            let renamed = format!("{}.config", path.strip_suffix(".cfg").unwrap_or(path));
            cx.report(
                Diagnostic::new(
                    Span::file_start(config.file),
                    format!(
                        "Liferay 7.4 and later skip this `.cfg` file on `{}`: `{CFG_ENABLED}` is not true{version}",
                        node.name
                    ),
                )
                .label("not read by default")
                .help(format!(
                    "rename it to `{}` and quote its values (`key=\"value\"`), or set `{CFG_ENABLED}=true` in portal-ext.properties",
                    renamed.rsplit('/').next().unwrap_or(&renamed)
                )),
            );
        }
    }
}
