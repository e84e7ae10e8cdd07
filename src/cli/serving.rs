//! `serve` and `demo`: binding, the signals that stop them, and the pipeline run on an
//! interval beside the server.
//!
//! Must not: serve files itself or run the pipeline's stages; `serve` and `app` do.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;

use super::{Exit, Failure, print_line, report_failures};
use crate::config::Config;
use crate::{app, demo, serve};

/// How long `serve` waits for open connections after SIGTERM / Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// `beatwire serve`: the output folder over HTTP, and with `every` the pipeline in-process.
pub async fn serve(
    config: &Path,
    addr: String,
    every: Option<Duration>,
    stale_after: Option<Duration>,
) -> Result<Exit, Failure> {
    let config = Config::load(config)?;
    let stale_after = stale_after.unwrap_or_else(|| {
        every.map_or(serve::DEFAULT_STALE_AFTER, |every| {
            (every * 3).max(serve::DEFAULT_STALE_AFTER)
        })
    });
    let listener = serve::bind(&addr).await?;
    eprintln!(
        "serving {} on http://{}/",
        config.beat.output.display(),
        serve::local_addr(&listener).map_or(addr, |a| a.to_string())
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let pipeline = every.map(|every| {
        let stopped = stopped.clone();
        tokio::spawn(app::every::run_every(
            config.clone(),
            every,
            stopped,
            |_| {},
        ))
    });
    let shutdown = async move {
        shutdown_signal().await;
        eprintln!("beatwire: shutting down");
        let _ = stop.send(true);
    };
    let options = serve::ServeOptions { stale_after };
    // Requests in flight get a few seconds after the signal; a client that keeps a
    // download open longer does not keep the process alive.
    let mut signalled = stopped.clone();
    let deadline = async move {
        let _ = signalled.wait_for(|stop| *stop).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = serve::serve(listener, &config.beat.output, options, shutdown) => served?,
        () = deadline => eprintln!(
            "beatwire: connections still open {SHUTDOWN_GRACE:?} after the signal; closed"
        ),
    }
    if let Some(pipeline) = pipeline {
        // A run in progress may finish (its fetches are bounded by [fetch].timeout).
        let grace = config.fetch.timeout + Duration::from_secs(5);
        if tokio::time::timeout(grace, pipeline).await.is_err() {
            eprintln!("beatwire: the run in progress did not finish in {grace:?}; stopped");
        }
    }
    Ok(Exit::Success)
}

/// `beatwire demo`: the bundled sample sites through the real pipeline, optionally served.
pub async fn demo(dir: Option<PathBuf>, serve: bool, addr: String) -> Result<Exit, Failure> {
    let dir = dir.unwrap_or_else(|| std::env::temp_dir().join("beatwire-demo"));
    let demo = demo::run(&dir, &addr, Utc::now())
        .await
        .map_err(Failure::app)?;
    report_failures(&demo.report);
    if let Some(published) = &demo.report.published {
        print_line(&published.path.display().to_string())?;
    }
    print_line(&demo.report.summary_line())?;
    if serve {
        let listener = serve::bind(&addr).await?;
        print_line(&format!("serving on http://{addr}/feed.xml (Ctrl-C stops)"))?;
        let options = serve::ServeOptions::default();
        serve::serve(
            listener,
            &demo.config.beat.output,
            options,
            shutdown_signal(),
        )
        .await?;
    }
    Ok(Exit::failed_if(demo.report.any_failed()))
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
