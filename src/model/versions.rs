//! The product versions and editions a cluster runs, inferred from what
//! its files say (see [`infer`]).

use crate::manifest::Manifest;
use crate::versions::{Guess, KaazingEdition, KaazingVersion, LiferayVersion, Versions};

fn guess<T>(value: T, source: String) -> Guess<T> {
    Guess {
        value,
        source,
        declared: false,
    }
}

/// Infers the versions from the cluster: the manifest's `[liferay]` and
/// `[kaazing]` first; then a Liferay Workspace's `gradle.properties`
/// (`liferay.workspace.product`, `.bundle.url`, `.docker.image.liferay`),
/// the images and downloads the deployment descriptors name, and the
/// bundle folders in paths (`liferay-ce-portal-7.0-ga4/`).
#[must_use]
pub fn infer(cluster: &crate::model::Cluster, manifest: Option<&Manifest>) -> Versions {
    use crate::formats::Format;
    let mut versions = Versions::default();
    if let Some(manifest) = manifest {
        versions.liferay = manifest.liferay_version.as_ref().map(|v| Guess {
            value: v.value,
            source: "clusterlint.toml `[liferay] version`".to_string(),
            declared: true,
        });
        versions.kaazing = manifest.kaazing_version.as_ref().map(|v| Guess {
            value: v.value,
            source: "clusterlint.toml `[kaazing] version`".to_string(),
            declared: true,
        });
        versions.kaazing_edition = manifest.kaazing_edition.as_ref().map(|v| Guess {
            value: v.value,
            source: "clusterlint.toml `[kaazing] edition`".to_string(),
            declared: true,
        });
    }
    // The workspace's own product key first, then what deployments run.
    let mut files: Vec<&crate::model::ClusterFile> = cluster.files.iter().collect();
    files.sort_by_key(|f| f.format != Some(Format::GRADLE_PROPERTIES));
    for file in files {
        let path = &file.source.path;
        if file.format == Some(Format::GRADLE_PROPERTIES)
            && let Some(doc) = file
                .document
                .get::<crate::formats::properties::PropertiesDocument>()
        {
            let text = &file.source.text;
            for key in [
                "liferay.workspace.product",
                "liferay.workspace.docker.image.liferay",
                "liferay.workspace.bundle.url",
                "liferay.workspace.target.platform.version",
            ] {
                let Some(entry) = doc.entries_for(text, key).last() else {
                    continue;
                };
                let value = entry.value(text);
                if versions.liferay.is_none()
                    && let Some(v) = liferay_in(value)
                {
                    versions.liferay = Some(guess(v, format!("{path} `{key}`")));
                }
            }
        }
        let Some(doc) = file
            .document
            .get::<crate::formats::deploy::DeploymentDocument>()
        else {
            continue;
        };
        for launch in &doc.launches {
            let texts = launch
                .image
                .iter()
                .chain(launch.env.iter().filter_map(|e| e.value.as_ref()))
                .chain(&launch.mentions);
            for text in texts {
                let value = text.value.as_str();
                let shown = without_credentials(value);
                if versions.liferay.is_none()
                    && let Some(v) = liferay_image_or_bundle(value)
                {
                    versions.liferay = Some(guess(v, format!("{path} `{shown}`")));
                }
                if let Some((edition, version)) = kaazing_in(value) {
                    if versions.kaazing_edition.is_none() {
                        versions.kaazing_edition =
                            Some(guess(edition, format!("{path} `{shown}`")));
                    }
                    if versions.kaazing.is_none()
                        && let Some(version) = version
                    {
                        versions.kaazing = Some(guess(version, format!("{path} `{shown}`")));
                    }
                }
            }
        }
    }
    if versions.liferay.is_none() {
        versions.liferay = cluster.files.iter().find_map(|f| {
            f.source
                .path
                .split('/')
                .find_map(|folder| liferay_in(folder).filter(|_| folder.starts_with("liferay-")))
                .map(|v| guess(v, format!("the folder name in `{}`", f.source.path)))
        });
    }
    versions
}

/// A download URL or image name as `--show-settings` may print it: the
/// user part of a URL (`https://user:password@host/`) left out.
fn without_credentials(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let authority_end = after.find(['/', '?', '#', ' ']).unwrap_or(after.len());
        match after[..authority_end].rfind('@') {
            Some(user_end) => {
                out.push_str("…@");
                rest = &after[user_end + 1..];
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// The portal's version in an image that runs the portal (`liferay/dxp`,
/// `liferay/portal`, `liferay/commerce`, `liferaycloud/liferay-dxp`; not
/// the other images of a Liferay Cloud project, such as
/// `liferaycloud/elasticsearch`) or a bundle download.
fn liferay_image_or_bundle(value: &str) -> Option<LiferayVersion> {
    let lower = value.to_ascii_lowercase();
    let is_url = lower.contains("://");
    let bundle = is_url
        && (lower.contains("liferay-ce-portal")
            || lower.contains("liferay-dxp")
            || lower.contains("liferay-portal"));
    let image = !is_url && {
        let name = lower.split(':').next().unwrap_or(&lower);
        let mut parts = name.rsplit('/');
        let repository = parts.next().unwrap_or("");
        let owner = parts.next().unwrap_or("");
        matches!(owner, "liferay" | "liferaycloud")
            && matches!(
                repository,
                "dxp" | "portal" | "commerce" | "liferay-dxp" | "liferay-portal" | "liferay"
            )
    };
    if bundle || image {
        liferay_in(value)
    } else {
        None
    }
}

/// A Liferay version in an image tag, a download URL, a product key or a
/// bundle folder name.
fn liferay_in(text: &str) -> Option<LiferayVersion> {
    let lower = text.to_ascii_lowercase();
    // The tag of an image, the last path part of a URL.
    let tail = lower
        .rsplit(['/', ':'])
        .find(|p| !p.is_empty())
        .unwrap_or(&lower);
    let candidates = [tail, lower.as_str()];
    for candidate in candidates {
        for (at, _) in candidate.match_indices(|c: char| c.is_ascii_digit()) {
            let before = candidate[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.') {
                continue;
            }
            if let Some(v) = LiferayVersion::parse(&candidate[at..])
                && v.major == 7
            {
                return Some(v);
            }
            if candidate[at..].starts_with("20")
                && let Some(v) = LiferayVersion::parse(&candidate[at..])
            {
                return Some(v);
            }
        }
    }
    None
}

/// The KAAZING edition (and version) a download URL or image names:
/// `kaazing-websocket-gateway-jms-4.0.9`, `kaazing/enterprise-gateway:5.7.2`,
/// `kaazing/gateway:5.6.0`, `gateway.distribution-5.6.0`.
fn kaazing_in(text: &str) -> Option<(KaazingEdition, Option<KaazingVersion>)> {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("kaazing") {
        return None;
    }
    let edition = if lower.contains("gateway-jms") || lower.contains("/jms/") {
        KaazingEdition::Jms
    } else if lower.contains("enterprise") {
        KaazingEdition::Enterprise
    } else if lower.contains("kaazing/gateway") || lower.contains("gateway.distribution") {
        KaazingEdition::Community
    } else {
        return None;
    };
    let version = lower
        .match_indices(|c: char| c.is_ascii_digit())
        .filter(|(at, _)| {
            lower[..*at]
                .chars()
                .next_back()
                .is_some_and(|c| matches!(c, '-' | ':' | '/'))
        })
        .find_map(|(at, _)| {
            let end = lower[at..]
                .find(|c: char| !c.is_ascii_digit() && c != '.')
                .map_or(lower.len(), |e| at + e);
            KaazingVersion::parse(lower[at..end].trim_end_matches('.'))
        });
    Some((edition, version))
}

#[cfg(test)]
mod inference_tests {
    use super::*;

    #[test]
    fn versions_in_names() {
        let v = |s| liferay_in(s).map(|v| v.to_string());
        assert_eq!(v("liferay/dxp:7.4.13-u77"), Some("7.4".into()));
        assert_eq!(v("liferay/portal:7.3.5-ga6"), Some("7.3".into()));
        assert_eq!(
            v(
                "https://cdn.lfrs.sl/releases.liferay.com/portal/7.0.3-ga4/liferay-ce-portal-tomcat-7.0-ga4-20170613175008905.zip"
            ),
            Some("7.0".into())
        );
        assert_eq!(v("dxp-7.4-u70"), Some("7.4".into()));
        assert_eq!(v("liferay/dxp:2024.q1.1"), Some("7.4".into()));
        assert_eq!(v("liferay-ce-portal-7.1.3-ga4"), Some("7.1".into()));
        assert_eq!(v("liferay/portal:latest"), None);
        let image = |s| liferay_image_or_bundle(s).map(|v| v.to_string());
        assert_eq!(image("liferaycloud/elasticsearch:7.13.3-4.1.2"), None);
        assert_eq!(
            image("liferaycloud/liferay-dxp:7.2.10-sp5-3.0.0"),
            Some("7.2".into())
        );
        assert_eq!(
            image("registry.example.com/liferay/dxp:7.4.13-u77"),
            Some("7.4".into())
        );
        let k = |s| kaazing_in(s).map(|(e, v)| (e, v.map(|v| v.to_string())));
        assert_eq!(
            k(
                "http://download.kaazing.com/com/download/jms/4.0.9.626/kaazing-websocket-gateway-jms-4.0.9.tar.gz"
            ),
            Some((KaazingEdition::Jms, Some("4.0".into())))
        );
        assert_eq!(
            k("kaazing/enterprise-gateway:5.7.2"),
            Some((KaazingEdition::Enterprise, Some("5.7".into())))
        );
        assert_eq!(
            k("kaazing/gateway"),
            Some((KaazingEdition::Community, None))
        );
    }
}
