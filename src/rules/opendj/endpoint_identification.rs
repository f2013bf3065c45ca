use crate::diagnostic::{Diagnostic, Fix};
use crate::model::opendj::DISABLE_ENDPOINT_IDENTIFICATION;
use crate::rules::{RuleContext, declare_rule, edits};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Reports the `config/java.properties` of a replicating OpenDJ server
    /// whose `dsreplication.java-args` (or, without it,
    /// `default.java-args`) lacks
    /// `-Dcom.sun.jndi.ldap.object.disableEndpointIdentification=true`.
    /// Not reported when the file's `dsreplication.java-home` or
    /// `default.java-home` names a Java older than 8u181, which does not
    /// check endpoints; when it names none, the finding stands.
    ///
    /// ## Why is this bad?
    /// Since Java 8u181, JNDI checks that an LDAPS server's certificate
    /// names the host it connects to. The self-signed certificates that
    /// OpenDJ's setup makes on a Gluu node seldom name the address the
    /// other nodes use (the guide's commands give IP addresses), and
    /// `dsreplication` connections then fail, often as a timeout. The cluster guide adds the option to
    /// the `dsreplication.java-args` line on every node (and, on OpenDJ
    /// 3, runs `dsjavaproperties`).
    ///
    /// ## Example
    /// ```text
    /// dsreplication.java-args=-Xms8m -client
    /// ```
    ///
    /// ## How to fix
    /// ```text
    /// dsreplication.java-args=-Xms8m -client -Dcom.sun.jndi.ldap.object.disableEndpointIdentification=true
    /// ```
    /// then, on OpenDJ 3, `bin/dsjavaproperties`. `--fix` appends the
    /// option to a single `dsreplication.java-args` line.
    id: "opendj/endpoint-identification",
    severity: Warning,
    fix: Safe,
    check: Some(check),
}

fn check(cx: &mut RuleContext<'_>) {
    let cluster = cx.cluster;
    for instance in cluster.opendj.replicating() {
        let Some(file) = instance.java_properties else {
            continue;
        };
        if instance
            .java_version
            .is_some_and(|v| !v.identifies_endpoints())
        {
            continue;
        }
        let args = instance.dsreplication_args();
        if args.iter().any(|a| a.disables_endpoint_identification()) {
            continue;
        }
        let (span, what) = match args.last() {
            Some(a) => (a.span, format!("`{}`", a.key)),
            None => (
                Span::file_start(file),
                "no `dsreplication.java-args` or `default.java-args` line".to_string(),
            ),
        };
        let mut diagnostic = Diagnostic::new(
                span,
                format!(
                    "`{}` replicates, but {what} does not set `-D{DISABLE_ENDPOINT_IDENTIFICATION}=true`: on Java 8u181 and later `dsreplication` may fail to connect",
                    cluster.node(instance.node).name
                ),
            )
            .label("endpoint identification left on")
            .help(format!(
                "append `-D{DISABLE_ENDPOINT_IDENTIFICATION}=true` to `dsreplication.java-args` (then run `bin/dsjavaproperties` on OpenDJ 3)"
            ));
        if let [only] = args.as_slice()
            && only.key == "dsreplication.java-args"
        {
            diagnostic = diagnostic.fix(Fix {
                description: "append the option to `dsreplication.java-args`".to_string(),
                edits: vec![edits::insert(
                    only.span.file,
                    only.span.range.end as usize,
                    format!(" -D{DISABLE_ENDPOINT_IDENTIFICATION}=true"),
                )],
            });
        }
        cx.report(diagnostic);
    }
}
