//! `beatwire serve --every` as an operator runs it: the binary fetches and publishes in-process,
//! serves the result, and stops cleanly on SIGTERM.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Answer, TestSite, feed_source, fixture, write_config};

/// Kills the child if a test fails before it is stopped on purpose.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[cfg(unix)]
#[tokio::test]
async fn serve_every_publishes_in_process_and_stops_on_sigterm() {
    let site = TestSite::start().await;
    site.set(
        "/atom.xml",
        Answer::ok("application/atom+xml", fixture("sites/cqrb/atom.xml")),
    );
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &feed_source("cqrb", "重庆日报", &site.url("/atom.xml")),
    );
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_beatwire"))
            .args(["serve", "--addr", "127.0.0.1:0", "--every", "1h"])
            .current_dir(dir.path())
            .env_remove("RUST_LOG")
            .env_remove("BEATWIRE_CONFIG")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stderr = child.0.stderr.take().unwrap();
    let (lines_tx, lines_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = lines_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    let base = first
        .split(" on ")
        .nth(1)
        .unwrap_or_else(|| panic!("no address in {first}"))
        .trim_end_matches('/')
        .to_owned();

    // The first run starts at once; /healthz turns 200 when it has published.
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let health = client.get(format!("{base}/healthz")).send().await.unwrap();
        if health.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "never healthy");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let feed = client.get(format!("{base}/feed.xml")).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    let feed = feed_rs::parser::parse(feed.bytes().await.unwrap().as_ref()).unwrap();
    assert_eq!(feed.entries.len(), 3);
    let metrics = client.get(format!("{base}/metrics")).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics.contains("beatwire_source_up{source=\"cqrb\"} 1"),
        "{metrics}"
    );

    // A client that never finishes its request must not keep the server from stopping.
    let stuck_addr = base.trim_start_matches("http://").to_owned();
    let mut stuck = std::net::TcpStream::connect(&stuck_addr).unwrap();
    std::io::Write::write_all(&mut stuck, b"GET /feed.xml HTTP/1.1\r\nHost: x\r\n").unwrap();

    let pid = child.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "graceful exit");
    drop(stuck);
    let said: Vec<String> = lines_rx.try_iter().collect();
    assert!(said.iter().any(|l| l.contains("shutting down")), "{said:?}");
}
