//! `clusterlint lsp` driven by real clients: pytest-lsp and a headless
//! Neovim. Each opens a copy of the Liferay example, sees a finding on
//! `setenv.sh`, removes the IPv6 address from the OSGi configuration (a
//! different file) and sees the finding go.
//! `scripts/install-test-deps.sh` installs both clients.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const OSGI: &str = "app3/osgi/configs/com.liferay.portal.security.auth.verifier.internal.tunnel.configuration.TunnelAuthVerifierConfiguration~default.config";
const SETENV: &str = "app3/tomcat/bin/setenv.sh";
const RULE: &str = "liferay/ipv6-needs-ipv6-stack";
const IPV6: &str = ",2001:db8::50";

fn copy_cluster() -> (tempfile::TempDir, PathBuf) {
    common::copy_example("liferay-remote-staging", "portal")
}

fn binary() -> PathBuf {
    PathBuf::from(assert_cmd::cargo::cargo_bin!("clusterlint"))
}

fn editors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editors")
}

fn has_python_module(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn pytest_lsp_sees_a_cross_file_finding_come_and_go() {
    if !has_python_module("pytest_lsp") {
        return common::missing("pytest-lsp (PyPI)");
    }
    let (dir, root) = copy_cluster();
    let output = Command::new("python3")
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .args(["-o", "asyncio_default_fixture_loop_scope=function"])
        .arg(editors_dir().join("test_clusterlint_lsp.py"))
        .current_dir(dir.path())
        .env("CLUSTERLINT_BIN", binary())
        .env("CLUSTER_ROOT", &root)
        .env("EDIT_FILE", root.join(OSGI))
        .env("WATCH_FILE", root.join(SETENV))
        .env("DELETE_TEXT", IPV6)
        .env("RULE", RULE)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "pytest-lsp failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
fn neovim_sees_a_cross_file_finding_come_and_go() {
    if Command::new("nvim").arg("--version").output().is_err() {
        return common::missing("Neovim (Debian's neovim)");
    }
    let (dir, root) = copy_cluster();
    let out = dir.path().join("diagnostics.json");
    let home = dir.path().join("home");
    fs::create_dir_all(&home).unwrap();
    let output = Command::new("timeout")
        .args(["60", "nvim", "--headless", "--clean", "-c"])
        .arg(format!(
            "luafile {}",
            editors_dir().join("nvim_smoke.lua").display()
        ))
        .arg(root.join(OSGI))
        .current_dir(&root)
        .env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("LSP_CMD", format!("{} lsp", binary().display()))
        .env("CLUSTER_ROOT", &root)
        .env("WATCH_FILE", root.join(SETENV))
        .env("DELETE_TEXT", IPV6)
        .env("DIAG_OUT", &out)
        .output()
        .unwrap();
    let text = fs::read_to_string(&out).unwrap_or_else(|_| {
        panic!(
            "Neovim wrote no result (status {:?}):\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let seen: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(seen["found"], true, "{seen}");
    assert_eq!(seen["before"][0]["code"], RULE, "{seen}");
    assert_eq!(seen["before"][0]["source"], "clusterlint", "{seen}");
    assert_eq!(seen["before"][0]["lnum"], 3, "setenv.sh line 4: {seen}");
    assert_eq!(seen["edited"], true, "{seen}");
    assert_eq!(seen["cleared"], true, "{seen}");
    assert_eq!(seen["after"], serde_json::json!([]), "{seen}");
}
