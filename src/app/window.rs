//! Which sources' passes run now: a bounded window of passes, fed as passes end, each new one
//! taken from a host that has room.
//!
//! A run of 100,000 sources must not hold 100,000 passes (each a task with its request's state)
//! while the fetcher's host pool lets `concurrency` of them send. Nor may the window be the next
//! `n` sources of the config: sources in config order bunch on one host, and a window full of
//! one slow host's sources would leave every other host idle. So the sources wait in one queue
//! per host (config order within a host), and the next pass is taken round-robin from the hosts
//! that have fewer than their share of passes running: a slow host holds at most its share, and
//! the rest of the window goes on feeding the others.
//!
//! When several runs share one store, a run takes only the hosts it leased (`claim`): its window
//! starts with every host closed, and a host's sources are handed out once it is opened.
//!
//! Must not: fetch, read the store or know what a pass does; it only hands out sources and
//! takes them back.

use std::collections::{HashMap, VecDeque};

/// Passes per host allowed beyond what the host pool lets send at once: while one pass waits
/// for its answer, another parses and commits what it fetched, so the host is never idle for
/// want of a pass.
pub const PASSES_PER_HOST_SLOT: usize = 4;
/// Passes in the whole window per request the fetcher may have in flight, for the same reason.
pub const PASSES_PER_SLOT: usize = 4;

/// The sources of a run not handed out yet, and how many passes each host has running.
#[derive(Debug)]
pub struct Window {
    /// Per host, the indices (into the run's source list) still waiting, in config order.
    queues: Vec<VecDeque<u32>>,
    running: Vec<usize>,
    /// Hosts with waiting sources and room, in the order they get their next turn. A host is
    /// here exactly when it is open, its queue is not empty and `running < per_host`.
    ready: VecDeque<usize>,
    /// Each host's name, by number.
    names: Vec<String>,
    /// Whether each host's sources may be handed out.
    open: Vec<bool>,
    per_host: usize,
    limit: usize,
    in_flight: usize,
}

/// A source handed out: its index in the run's list, and its host's number for [`Window::done`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn {
    pub source: usize,
    pub host: usize,
}

impl Window {
    /// `hosts` gives each source's host name, in the run's order. At most `limit` passes run
    /// at once, at most `per_host` of them on one host (both at least 1).
    pub fn new<'a>(
        hosts: impl IntoIterator<Item = &'a str>,
        per_host: usize,
        limit: usize,
    ) -> Window {
        let mut window = Window::closed(hosts, per_host, limit);
        window.open = vec![true; window.queues.len()];
        window.ready = (0..window.queues.len()).collect();
        window
    }

    /// [`Window::new`] with every host closed: nothing is handed out until [`Window::open`].
    pub fn closed<'a>(
        hosts: impl IntoIterator<Item = &'a str>,
        per_host: usize,
        limit: usize,
    ) -> Window {
        let mut numbers: HashMap<&str, usize> = HashMap::new();
        let mut queues: Vec<VecDeque<u32>> = Vec::new();
        let mut names = Vec::new();
        for (i, host) in hosts.into_iter().enumerate() {
            let number = *numbers.entry(host).or_insert_with(|| {
                queues.push(VecDeque::new());
                names.push(host.to_owned());
                queues.len() - 1
            });
            // A config of more than 4 billion sources is out of reach of everything else first.
            queues[number].push_back(u32::try_from(i).unwrap_or(u32::MAX));
        }
        for queue in &mut queues {
            queue.shrink_to_fit();
        }
        Window {
            running: vec![0; queues.len()],
            ready: VecDeque::new(),
            open: vec![false; queues.len()],
            names,
            queues,
            per_host: per_host.max(1),
            limit: limit.max(1),
            in_flight: 0,
        }
    }

    /// The next source to start, when the window has room and some host with waiting sources
    /// has room.
    pub fn next(&mut self) -> Option<Turn> {
        if self.in_flight >= self.limit {
            return None;
        }
        let host = self.ready.pop_front()?;
        let source = self.queues[host].pop_front()?;
        self.running[host] += 1;
        self.in_flight += 1;
        if !self.queues[host].is_empty() && self.running[host] < self.per_host {
            self.ready.push_back(host);
        }
        Some(Turn {
            source: source as usize,
            host,
        })
    }

    /// The pass of `turn` ended (or never needed to start): its host and the window have room
    /// again. True when that was the host's last source: nothing of it waits or runs.
    pub fn done(&mut self, turn: Turn) -> bool {
        let host = turn.host;
        self.in_flight -= 1;
        let was_full = self.running[host] == self.per_host;
        self.running[host] -= 1;
        if was_full && !self.queues[host].is_empty() {
            self.ready.push_back(host);
        }
        self.running[host] == 0 && self.queues[host].is_empty()
    }

    /// Lets the sources of host `number` be handed out.
    pub fn open(&mut self, number: usize) {
        if number < self.open.len() && !self.open[number] {
            self.open[number] = true;
            if !self.queues[number].is_empty() && self.running[number] < self.per_host {
                self.ready.push_back(number);
            }
        }
    }

    /// Whether the window has room that no open host can fill: the moment to lease more hosts.
    pub fn starved(&self) -> bool {
        self.in_flight < self.limit && self.ready.is_empty()
    }

    /// Each host's name, by its number (the order hosts first appear in the run's list).
    pub fn hosts(&self) -> &[String] {
        &self.names
    }

    /// Passes handed out and not yet done.
    #[cfg(test)]
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take_all(window: &mut Window) -> Vec<Turn> {
        std::iter::from_fn(|| window.next()).collect()
    }

    #[test]
    fn the_window_is_bounded_and_refilled_as_passes_end() {
        let hosts: Vec<String> = (0..100).map(|i| format!("h{}", i % 10)).collect();
        let mut window = Window::new(hosts.iter().map(String::as_str), 4, 8);
        let mut running = take_all(&mut window);
        assert_eq!((running.len(), window.in_flight()), (8, 8));
        let mut started = running.len();
        while let Some(turn) = running.pop() {
            window.done(turn);
            let more = take_all(&mut window);
            assert!(more.len() <= 1, "one pass ended, at most one more starts");
            started += more.len();
            running.extend(more);
            assert!(window.in_flight() <= 8);
        }
        assert_eq!(started, 100, "every source is handed out once");
        assert_eq!(window.in_flight(), 0);
    }

    #[test]
    fn a_host_gets_at_most_its_share_and_other_hosts_fill_the_window() {
        // Sources 0..50 on a slow host first, then ten on each of three others.
        let mut hosts = vec!["slow"; 50];
        for host in ["a", "b", "c"] {
            hosts.extend([host; 10]);
        }
        let mut window = Window::new(hosts.iter().copied(), 2, 7);
        let turns = take_all(&mut window);
        let on = |name: &str| turns.iter().filter(|t| hosts[t.source] == name).count();
        assert_eq!(turns.len(), 7);
        assert_eq!(
            [on("slow"), on("a"), on("b"), on("c")],
            [2, 2, 2, 1],
            "the slow host's 50 sources come first in the config, yet take only its share"
        );
        // The slow host's passes never end; the others' do, and their sources keep flowing.
        let mut running: Vec<Turn> = turns
            .into_iter()
            .filter(|t| hosts[t.source] != "slow")
            .collect();
        let mut fast_done = 0;
        while let Some(turn) = running.pop() {
            window.done(turn);
            fast_done += 1;
            for more in take_all(&mut window) {
                assert_ne!(hosts[more.source], "slow", "the slow host is at its share");
                running.push(more);
            }
        }
        assert_eq!(
            fast_done, 30,
            "every fast source ran while the slow host held its two"
        );
    }

    #[test]
    fn within_a_host_sources_start_in_config_order() {
        let hosts = ["a", "b", "a", "a", "b"];
        let mut window = Window::new(hosts, 1, 10);
        let mut order = Vec::new();
        while let Some(turn) = window.next() {
            order.push(turn.source);
            window.done(turn);
        }
        assert_eq!(order, [0, 1, 2, 4, 3]);
    }

    #[test]
    fn a_closed_window_hands_out_only_the_hosts_opened_and_says_when_one_is_drained() {
        let hosts = ["a", "b", "a", "c"];
        let mut window = Window::closed(hosts, 1, 10);
        assert_eq!(window.next(), None, "no host is open yet");
        assert!(window.starved());
        assert_eq!(window.hosts(), ["a", "b", "c"]);
        window.open(0);
        let first = window.next().expect("host a is open");
        assert_eq!(first.source, 0);
        assert_eq!(window.next(), None, "a is at its share; b and c are closed");
        assert!(!window.done(first), "a has a source left");
        let second = window.next().expect("a's second source");
        assert_eq!(second.source, 2);
        assert!(window.done(second), "a is drained");
        window.open(2);
        let third = window.next().expect("host c is open");
        assert_eq!(third.source, 3);
        assert!(window.done(third));
        assert_eq!(window.next(), None, "b was never opened");
    }
}
