//! Templates: a template error names the template, the line and the variable or the syntax
//! problem, in the message `build` prints; a failed render publishes nothing.

use crate::fixtures::{article, GBK_ARTICLE};
use crate::support::{fingerprint, listing, TestSite};

const UNDEFINED: &str = r#"{% extends "base.html" %}
{% block main %}
<article>
  <h1>{{ article.title }}</h1>
  <p>{{ article.no_such_field }}</p>
</article>
{% endblock main %}
"#;

const SYNTAX: &str = r#"{% extends "base.html" %}
{% block main %}
<h1>{% if article.title %{{ article.title }}{% endif %}</h1>
{% endblock main %}
"#;

fn site_with_output() -> TestSite {
    let site = TestSite::new();
    site.write("content/raw/good.txt", article(GBK_ARTICLE.0, GBK_ARTICLE.1));
    site.build().expect("first build");
    site
}

fn failed_build_stderr(site: &TestSite) -> String {
    let published = fingerprint(&site.public());
    let beside = listing(&site.root);
    let output = site.cli(&["build"]);
    assert!(!output.status.success(), "the build should fail");
    assert_eq!(
        fingerprint(&site.public()),
        published,
        "a failed render touched public/"
    );
    assert_eq!(listing(&site.root), beside, "a failed render left files behind");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn undefined_variable_names_template_line_and_variable() {
    let site = site_with_output();
    site.write("templates/article.html", UNDEFINED);
    let stderr = failed_build_stderr(&site);
    assert!(
        stderr.contains("article.html:5:9: variable `article.no_such_field` is not defined"),
        "{stderr}"
    );
    // `check` renders too (into a scratch directory), so it finds the same error.
    let check = site.cli(&["check"]);
    assert!(!check.status.success());
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("article.html:5:9: variable `article.no_such_field`"),
        "{stderr}"
    );
}

#[test]
fn undefined_variable_in_a_parent_template_names_the_parent() {
    let site = site_with_output();
    site.write(
        "templates/base.html",
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<title>{{ site.titel }}</title>\n{% block main %}{% endblock main %}\n</html>\n",
    );
    let stderr = failed_build_stderr(&site);
    assert!(
        stderr.contains("base.html:3:11: variable `site.titel` is not defined"),
        "{stderr}"
    );
}

#[test]
fn syntax_error_names_template_and_line_in_build_and_check() {
    let site = site_with_output();
    site.write("templates/article.html", SYNTAX);
    let stderr = failed_build_stderr(&site);
    assert!(stderr.contains("'article.html'") && stderr.contains("3:26"), "{stderr}");
    let check = site.cli(&["check"]);
    assert!(!check.status.success());
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("'article.html'") && stderr.contains("3:26"), "{stderr}");
}
