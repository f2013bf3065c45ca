//! Tomcat's `setenv.sh` and `setenv.bat` as the pipeline needs them.

use crate::formats::outline::{Guard, Symbol, SymbolKind};
use crate::formats::properties::liferay_env::env_to_property;
use crate::formats::tree::{ConfigTree, TreeNode, value};
use crate::formats::{
    Claim, CommentSyntax, Document, Family, FileFormat, FilePath, ParseError, ParsedDocument,
};
use crate::layout::is_tomcat_folder;
use crate::secrets::is_secret_key;
use crate::source::TextRange;

use super::{SetenvDocument, SystemProperty};

/// Tomcat's `setenv.sh`.
pub struct SetenvFormat;

impl FileFormat for SetenvFormat {
    fn name(&self) -> &'static str {
        "tomcat-setenv"
    }

    fn family(&self) -> Family {
        Family::Liferay
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::parse(text))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        (path.name == "setenv.sh").then_some(Claim::Name)
    }

    fn home(&self, folders: &[&str]) -> Option<usize> {
        // Liferay's home is the folder above its Tomcat's, also when the
        // Tomcat folder has another name (`bin/setenv.sh`).
        folders
            .iter()
            .position(|f| is_tomcat_folder(f))
            .or_else(|| (folders.last() == Some(&"bin")).then(|| folders.len() - 1))
    }

    fn comment_syntax(&self) -> CommentSyntax {
        CommentSyntax::Hash {
            continued_lines: true,
        }
    }
}

/// Tomcat's `setenv.bat`, read by `cmd.exe`.
pub struct SetenvBatFormat;

impl FileFormat for SetenvBatFormat {
    fn name(&self) -> &'static str {
        "tomcat-setenv-bat"
    }

    fn family(&self) -> Family {
        Family::Liferay
    }

    fn parse(&self, text: &str, _max_depth: Option<usize>) -> Document {
        Document::new(super::batch::parse(text))
    }

    fn claim(&self, path: &FilePath<'_>) -> Option<Claim> {
        path.name
            .eq_ignore_ascii_case("setenv.bat")
            .then_some(Claim::Name)
    }

    fn home(&self, folders: &[&str]) -> Option<usize> {
        SetenvFormat.home(folders)
    }

    fn comment_syntax(&self) -> CommentSyntax {
        CommentSyntax::Rem
    }
}

impl ParsedDocument for SetenvDocument {
    fn errors(&self) -> &[ParseError] {
        &self.errors
    }

    fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    fn ranges(&self) -> Vec<TextRange> {
        let mut out = Vec::new();
        for a in &self.assignments {
            out.extend([a.name_range, a.value_range]);
        }
        for p in &self.system_properties {
            out.push(p.range);
            out.extend(p.value_range);
        }
        out
    }

    fn tree(&self, _text: &str) -> ConfigTree {
        let mut entries: Vec<TreeNode> = self
            .assignments
            .iter()
            .map(|a| {
                TreeNode::leaf(
                    &a.name,
                    a.name_range,
                    vec![value(&a.value, a.value_range)],
                    a.name_range.cover(a.value_range),
                )
            })
            .collect();
        entries.extend(self.system_properties.iter().map(|p| {
            let values = match (&p.value, p.value_range) {
                (Some(v), Some(r)) => vec![value(v, r)],
                _ => Vec::new(),
            };
            TreeNode::leaf(&format!("-D{}", p.name), p.range, values, p.range)
        }));
        entries.sort_by_key(|e| e.range.start);
        ConfigTree {
            entries,
            flat: true,
        }
    }

    fn outline(&self, text: &str, guard: &Guard) -> Vec<Symbol> {
        let mut variables: Vec<Symbol> = self
            .assignments
            .iter()
            .map(|a| {
                Symbol::new(
                    SymbolKind::Variable,
                    &a.name,
                    "(empty name)",
                    a.name_range.cover(a.value_range),
                    a.name_range,
                )
                .with_detail(guard.value(
                    is_secret_key(&a.name),
                    a.value_range,
                    &a.value,
                ))
            })
            .collect();
        // An option belongs to the assignment whose value holds it; the others
        // (`exec java -Dx=y ...`) stand alone. Both lists are in text order.
        let mut loose = Vec::new();
        for property in &self.system_properties {
            let option = system_property(property, text, guard);
            let before = self
                .assignments
                .partition_point(|a| a.name_range.start <= property.range.start);
            let owner = before.checked_sub(1).filter(|&i| {
                let value = self.assignments[i].value_range;
                value.start <= property.range.start && property.range.end <= value.end
            });
            match owner {
                Some(i) => variables[i].children.push(option),
                None => loose.push(option),
            }
        }
        variables.extend(loose);
        variables
    }

    fn secrets(&self, _text: &str) -> Vec<TextRange> {
        let mut ranges = Vec::new();
        for assignment in &self.assignments {
            if is_secret_key(&assignment.name)
                || is_secret_key(&env_to_property(&assignment.name).unwrap_or_default())
            {
                ranges.push(assignment.value_range);
            }
        }
        for property in &self.system_properties {
            if is_secret_key(&property.name)
                && let Some(range) = property.value_range
            {
                ranges.push(range);
            }
        }
        ranges
    }
}

fn system_property(property: &SystemProperty, text: &str, guard: &Guard) -> Symbol {
    // The name part of the token as written: up to its first `=`.
    let raw = property.range.slice(text);
    let selection = raw.find('=').map_or(property.range, |eq| {
        TextRange::new(property.range.start, property.range.start + eq as u32)
    });
    let detail = match (&property.value, property.value_range) {
        (Some(value), Some(range)) => guard.value(is_secret_key(&property.name), range, value),
        _ => None,
    };
    Symbol::new(
        SymbolKind::Option,
        &format!("-D{}", property.name),
        "-D",
        property.range,
        selection,
    )
    .with_detail(detail)
}
