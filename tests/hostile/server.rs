//! A web server that misbehaves on purpose, in every way the fetcher must survive: it speaks
//! raw TCP, so it can stall, trickle, never stop, or not speak HTTP at all.
//!
//! It listens on a loopback address the test chooses (127.0.0.x, port 0), so that politeness,
//! which is counted per host, can be watched host by host.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flate2::{Compress, Compression, FlushCompress};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// What the server does with a request for one path.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// A well-behaved 200 with this Atom document.
    Feed(Vec<u8>),
    /// The same, after a pause.
    Slow(Duration, Vec<u8>),
    /// A 200 with this document and these headers; a 304 when the request's `If-None-Match`
    /// is the `ETag` among them.
    Cached(Vec<(&'static str, String)>, Vec<u8>),
    /// Reads the request, then never sends a byte.
    NeverAnswers,
    /// Sends the headers, then one byte of the body every so often, forever.
    Trickle(Duration),
    /// Sends the headers and the start of a long body, then nothing.
    Stall,
    /// A body that never ends.
    Endless,
    /// A gzip body that inflates forever (a few KB on the wire per MiB inflated).
    GzipBomb,
    /// A 200 HTML page where a feed was expected.
    Html,
    /// A 200 with an empty body.
    Empty,
    /// Not HTTP at all.
    Garbage,
    /// A redirect to this location.
    Redirect(u16, String),
    /// This status with these headers and no body.
    Status(u16, Vec<(&'static str, String)>),
}

type Shared<T> = Arc<Mutex<T>>;

#[derive(Debug)]
pub struct Hostile {
    pub addr: SocketAddr,
    routes: Shared<HashMap<String, Behaviour>>,
    arrivals: Shared<Vec<Arrival>>,
    /// Requests being answered now, and the most there ever were.
    in_flight: Shared<(usize, usize)>,
    task: tokio::task::JoinHandle<()>,
}

impl Hostile {
    /// Starts the server on `ip` (a loopback address), on a free port.
    pub async fn start(ip: &str) -> Hostile {
        let listener = TcpListener::bind((ip, 0)).await.expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let routes: Shared<HashMap<String, Behaviour>> = Arc::default();
        let arrivals: Shared<Vec<Arrival>> = Arc::default();
        let in_flight: Shared<(usize, usize)> = Arc::default();
        let (r, a, f) = (routes.clone(), arrivals.clone(), in_flight.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, r.clone(), a.clone(), f.clone()));
            }
        });
        Hostile {
            addr,
            routes,
            arrivals,
            in_flight,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn set(&self, path: &str, behaviour: Behaviour) {
        self.routes
            .lock()
            .expect("server state")
            .insert(path.to_owned(), behaviour);
    }

    /// How many requests for `path` arrived.
    pub fn hits(&self, path: &str) -> usize {
        let arrivals = self.arrivals.lock().expect("server state");
        arrivals.iter().filter(|a| a.path == path).count()
    }

    /// The most requests that were ever answered at the same time.
    pub fn most_in_flight(&self) -> usize {
        self.in_flight.lock().expect("server state").1
    }

    /// Every request that arrived: its path and when.
    pub fn arrivals(&self) -> Vec<(String, Instant)> {
        let arrivals = self.arrivals.lock().expect("server state");
        arrivals.iter().map(|a| (a.path.clone(), a.at)).collect()
    }

    /// The heads of the requests for `path`, lower-cased, in the order they came.
    pub fn heads(&self, path: &str) -> Vec<String> {
        let arrivals = self.arrivals.lock().expect("server state");
        let heads = arrivals.iter().filter(|a| a.path == path);
        heads.map(|a| a.head.to_lowercase()).collect()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    routes: Shared<HashMap<String, Behaviour>>,
    arrivals: Shared<Vec<Arrival>>,
    in_flight: Shared<(usize, usize)>,
) {
    let Some(arrival) = read_request(&mut stream).await else {
        // Nothing, or a TLS ClientHello: a plain HTTP server answers that in plain HTTP.
        let _ = stream.write_all(&head(400, &[])).await;
        return;
    };
    let path = arrival.path.clone();
    let if_none_match = arrival.head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("if-none-match")
            .then(|| value.trim().to_owned())
    });
    arrivals.lock().expect("server state").push(arrival);
    let behaviour = routes.lock().expect("server state").get(&path).cloned();
    let mut behaviour = behaviour.unwrap_or(Behaviour::Status(404, Vec::new()));
    if let Behaviour::Cached(headers, _) = &behaviour {
        let etag = headers.iter().find(|(name, _)| *name == "ETag");
        if etag.is_some_and(|(_, etag)| if_none_match.as_ref() == Some(etag)) {
            behaviour = Behaviour::Status(304, headers.clone());
        }
    }
    if let Behaviour::Slow(pause, body) = behaviour {
        // Counted while pausing only: once the answer is written the client may send the next
        // request before this task gets to count this one out.
        {
            let mut count = in_flight.lock().expect("server state");
            count.0 += 1;
            count.1 = count.1.max(count.0);
        }
        tokio::time::sleep(pause).await;
        in_flight.lock().expect("server state").0 -= 1;
        behaviour = Behaviour::Feed(body);
    }
    // Write errors end the connection: the client hung up, as it should.
    let _ = behave(&mut stream, behaviour).await;
}

/// One request as it arrived.
#[derive(Debug, Clone)]
struct Arrival {
    path: String,
    at: Instant,
    /// The request line and headers, as sent.
    head: String,
}

/// The request, once its whole head has arrived; `None` for anything that is not HTTP.
async fn read_request(stream: &mut TcpStream) -> Option<Arrival> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
        if head[0] == 0x16 {
            return None;
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head.lines().next()?.split(' ').nth(1)?.to_owned();
    Some(Arrival {
        path,
        at: Instant::now(),
        head,
    })
}

fn head(status: u16, headers: &[(&str, String)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Hostile\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

async fn behave(stream: &mut TcpStream, behaviour: Behaviour) -> std::io::Result<()> {
    const FOREVER: Duration = Duration::from_secs(3600);
    let xml = || ("Content-Type", "application/rss+xml".to_owned());
    match behaviour {
        Behaviour::Feed(body) | Behaviour::Slow(_, body) => {
            let len = ("Content-Length", body.len().to_string());
            let kind = ("Content-Type", "application/atom+xml".to_owned());
            stream.write_all(&head(200, &[kind, len])).await?;
            stream.write_all(&body).await?;
        }
        Behaviour::Cached(mut headers, body) => {
            headers.push(("Content-Length", body.len().to_string()));
            stream.write_all(&head(200, &headers)).await?;
            stream.write_all(&body).await?;
        }
        Behaviour::NeverAnswers => tokio::time::sleep(FOREVER).await,
        Behaviour::Trickle(every) => {
            let len = ("Content-Length", "100000".to_owned());
            stream.write_all(&head(200, &[xml(), len])).await?;
            loop {
                stream.write_all(b" ").await?;
                tokio::time::sleep(every).await;
            }
        }
        Behaviour::Stall => {
            let len = ("Content-Length", "100000".to_owned());
            stream.write_all(&head(200, &[xml(), len])).await?;
            stream
                .write_all(b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>")
                .await?;
            tokio::time::sleep(FOREVER).await;
        }
        Behaviour::Endless => {
            stream.write_all(&head(200, &[xml()])).await?;
            let chunk = "<item><title>无尽</title></item>".repeat(2000);
            loop {
                stream.write_all(chunk.as_bytes()).await?;
            }
        }
        Behaviour::GzipBomb => {
            let gzip = ("Content-Encoding", "gzip".to_owned());
            stream.write_all(&head(200, &[xml(), gzip])).await?;
            // The gzip header, then the same flushed deflate block of 1 MiB of spaces forever.
            stream
                .write_all(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
                .await?;
            let block = inflating_block();
            loop {
                stream.write_all(&block).await?;
            }
        }
        Behaviour::Html => {
            let page = "<!DOCTYPE html><html><head><title>首页</title></head>\
                        <body><p>欢迎访问</p></body></html>";
            let kind = ("Content-Type", "text/html; charset=utf-8".to_owned());
            let len = ("Content-Length", page.len().to_string());
            stream.write_all(&head(200, &[kind, len])).await?;
            stream.write_all(page.as_bytes()).await?;
        }
        Behaviour::Empty => {
            let len = ("Content-Length", "0".to_owned());
            stream.write_all(&head(200, &[xml(), len])).await?;
        }
        Behaviour::Garbage => {
            stream
                .write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02garbage\r\n\r\n")
                .await?;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Behaviour::Redirect(status, location) => {
            stream
                .write_all(&head(status, &[("Location", location)]))
                .await?;
        }
        Behaviour::Status(status, mut headers) => {
            headers.push(("Content-Length", "0".to_owned()));
            stream.write_all(&head(status, &headers)).await?;
        }
    }
    stream.shutdown().await
}

/// A raw deflate block of 1 MiB of spaces ending in a full flush: it can follow itself any
/// number of times, so repeating it makes a gzip stream that inflates without end.
fn inflating_block() -> Vec<u8> {
    let mut compress = Compress::new(Compression::best(), false);
    let input = vec![b' '; 1 << 20];
    let mut out = Vec::with_capacity(64 * 1024);
    compress
        .compress_vec(&input, &mut out, FlushCompress::Full)
        .expect("deflate");
    assert_eq!(
        compress.total_in(),
        input.len() as u64,
        "one call takes it all"
    );
    out
}
