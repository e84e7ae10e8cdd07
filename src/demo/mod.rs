//! `beatwire demo`: the whole pipeline, offline, on sample sites bundled in the binary.
//!
//! It starts the sample sites on 127.0.0.1 (three feeds and one site of HTML pages only), writes a real `feeds.toml` for them into the demo
//! folder, loads it like any config, and runs the real `run` into that folder's store and
//! output. Nothing in the pipeline knows it is a demo.
//!
//! Must not: take shortcuts around the pipeline (no direct store writes, no canned output).

pub mod sites;

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::app::{self, RunOptions, report::RunReport};
use crate::config::Config;
use sites::Site;

/// Where `demo --serve` serves the result unless told otherwise; also the demo beat's link.
pub const DEFAULT_SERVE_ADDR: &str = "127.0.0.1:8080";

/// A finished demo: its folder, its config, what the run did, and the sites still serving.
#[derive(Debug)]
pub struct Demo {
    pub dir: PathBuf,
    pub config: Config,
    pub report: RunReport,
    pub sites: Vec<Site>,
}

/// Runs the demo into `dir`, starting from an empty store each time.
pub async fn run(dir: &Path, serve_addr: &str, now: DateTime<Utc>) -> anyhow::Result<Demo> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for stale in ["data", "public"] {
        let path = dir.join(stale);
        if path.exists() {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("cannot clear {}", path.display()))?;
        }
    }
    let mut sites = Vec::new();
    for name in sites::names() {
        sites.push(
            sites::start(&name)
                .await
                .with_context(|| format!("cannot start sample site {name}"))?,
        );
    }
    let config_path = dir.join("feeds.toml");
    std::fs::write(&config_path, config_text(&sites, serve_addr))
        .with_context(|| format!("cannot write {}", config_path.display()))?;
    let config = Config::load(&config_path)?;
    let options = RunOptions {
        only: Vec::new(),
        force: true,
        publish: true,
    };
    let report = app::run(&config, &options, now).await?;
    Ok(Demo {
        dir: dir.to_owned(),
        config,
        report,
        sites,
    })
}

/// The demo's `feeds.toml`: one source per sample site, the beat's filter and categories.
pub fn config_text(sites: &[Site], serve_addr: &str) -> String {
    let mut text = format!(
        r#"# Written by `beatwire demo` for the sample sites it serves on this machine.
[beat]
title = "西南经济协作 · 示例"
description = "川渝滇黔经济协作新闻(示例站点)"
link = "http://{serve_addr}/"
feed_url = "http://{serve_addr}/feed.xml"
language = "zh-cn"
timezone = "Asia/Shanghai"
max_items = 50
store = "data/beatwire.sled"
output = "public"

[fetch]
concurrency = 4
timeout = "10s"
# The sample sites all answer on 127.0.0.1, one host: no need to space requests out.
per_host_interval = "0s"

[filter]
include = ["经济协作", "川渝", "成渝", "南向", "陆海新通道", "长江经济带", "区域协作"]
exclude = ["广告"]

[[category]]
name = "交通与通道"
slug = "transport"
keywords = ["高铁", "高速公路", "铁路", "通道", "物流", "港"]

[[category]]
name = "生态环境"
slug = "ecology"
keywords = ["生态", "环境保护"]

[[category]]
name = "产业协作"
slug = "industry"
keywords = ["产业", "园区"]

[[category]]
name = "开放合作"
slug = "opening"
keywords = ["开放", "一带一路"]
"#
    );
    for site in sites {
        let (name, path) = match site.name.as_str() {
            "scjjrb" => ("四川经济日报", "rss.xml"),
            "cqrb" => ("重庆日报", "atom.xml"),
            "ynrb" => ("云南日报", "feed.json"),
            // A site without a feed: its list page, read with selectors, and each story's page
            // read by the generic extractor.
            "zgrb" => ("自贡日报", "jjxz/index.htm"),
            other => (other, "feed.xml"),
        };
        let kind = if path.ends_with(".htm") {
            "page"
        } else {
            "feed"
        };
        text.push_str(&format!(
            "\n[[source]]\nid = \"{}\"\nname = \"{name}\"\nurl = \"{}\"\nkind = \"{kind}\"\n",
            site.name,
            site.url(path)
        ));
        if kind == "page" {
            text.push_str("[source.list]\nitem = \"ul.news li\"\ndate = \"span.date\"\n");
        }
    }
    text
}
