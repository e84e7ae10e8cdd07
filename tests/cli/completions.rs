//! `beatwire completions SHELL` and `beatwire man`: each names every subcommand the command
//! line has (taken from the clap definition itself, so a new subcommand is checked too).

use crate::common;

use beatwire::cli::Cli;
use clap::CommandFactory;
use common::beatwire;

fn subcommands() -> Vec<String> {
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .filter(|name| name != "help")
        .collect();
    for mine in ["add", "opml", "completions", "man", "run", "check"] {
        assert!(names.iter().any(|n| n == mine), "{mine} in {names:?}");
    }
    names
}

#[test]
fn every_shell_gets_a_script_naming_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let names = subcommands();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef beatwire"),
        ("fish", "complete -c beatwire"),
        ("elvish", "edit:completion:arg-completer[beatwire]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = beatwire(&["completions", shell], dir.path());
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for name in &names {
            assert!(script.contains(name.as_str()), "{shell}: no `{name}`");
        }
        // The subcommands of `opml` are completed too.
        assert!(
            script.contains("export") && script.contains("import"),
            "{shell}"
        );
    }
    let out = beatwire(&["completions", "tcsh"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff_naming_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = beatwire(&["man"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with(".ie"), "{}", &page[..80.min(page.len())]);
    assert!(page.contains(".TH beatwire 1"), "no .TH header");
    assert!(page.contains(".SH SUBCOMMANDS"), "no SUBCOMMANDS section");
    for name in subcommands() {
        assert!(page.contains(&format!("beatwire\\-{name}")), "no `{name}`");
        // Each subcommand has its own page, with its options.
        let out = beatwire(&["man", &name], dir.path());
        assert_eq!(out.status.code(), Some(0), "{name}");
        let sub = String::from_utf8(out.stdout).unwrap();
        assert!(
            sub.contains(&format!(".TH beatwire-{name} 1")),
            "{name}: {sub}"
        );
    }
    let add = String::from_utf8(beatwire(&["man", "add"], dir.path()).stdout).unwrap();
    assert!(
        add.contains("\\-\\-yes") && add.contains("\\-\\-category"),
        "{add}"
    );
    assert_eq!(
        beatwire(&["man", "nosuch"], dir.path()).status.code(),
        Some(2)
    );
}
